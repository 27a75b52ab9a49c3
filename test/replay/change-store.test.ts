// The change store moves its changes to a file a few per push once past its threshold, so no
// single push writes them all (the UI indexes between key presses: 50,000 at once froze a
// key for 0.3 s); every change reads back the same before, during and after the move.
import { describe, expect, it } from 'vitest';
import type { Change } from '../../src/analysis/types.js';
import { ChangeStore } from '../../src/replay/change-store.js';

const change = (i: number): Change => ({ frame: i, kind: i % 3 === 0 ? 'fdb.learn' : 'nat.new', mac: `02:00:00:00:${i >> 8}:${i & 0xff}` });

describe('ChangeStore', () => {
  it('spills a few changes per push, reading every change back at each point', () => {
    const spillAt = 1000;
    const store = new ChangeStore(spillAt);
    const pushed: Change[] = [];
    let pushesToSpill = -1;
    try {
      for (let i = 0; i < 3000; i++) {
        const c = change(i);
        store.push(c);
        pushed.push(c);
        if (pushesToSpill < 0 && store.spilled) pushesToSpill = i + 1 - (spillAt + 1);
        if (i % 97 === 0 || i === spillAt || i === spillAt + 1) {
          expect(store.length).toBe(pushed.length);
          expect(store.slice(0, store.length)).toEqual(pushed);
          expect(store.kind(i)).toBe(c.kind);
        }
      }
      // Not all at once: the 1,001 kept in memory took over a hundred more pushes to move.
      expect(pushesToSpill).toBeGreaterThan(100);
      expect(store.spilled).toBe(true);
      expect(store.slice(spillAt - 5, spillAt + 5)).toEqual(pushed.slice(spillAt - 5, spillAt + 5));
      expect(store.slice(0, 3000)).toEqual(pushed);
    } finally {
      store.close();
    }
  });
});
