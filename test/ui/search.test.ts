// The `/` search (and `c` to a filter breakpoint) runs in slices between paints: on a long
// capture it reports how far it got, Esc cancels it (back where it started), and it finds the
// frame a synchronous search would.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { encodePcap } from '../../src/capture/pcap-writer.js';
import { ReplaySession } from '../../src/ui/session.js';
import { arp, eth, ipv4, udp } from '../helpers/build.js';

const dir = mkdtempSync(join(tmpdir(), 'dockshark-search-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const a = '02:42:ac:11:00:02';
const b = '02:42:ac:11:00:03';
const FRAMES = 3000;
// 3000 UDP frames, an ARP request as frame 2500.
const file = join(dir, 'long.pcap');
writeFileSync(file, encodePcap(Array.from({ length: FRAMES }, (_, i) => ({
  tsSec: 1_700_000_000 + Math.floor(i / 1000), tsNsec: (i % 1000) * 1_000_000,
  bytes: i === 2499
    ? eth('ff:ff:ff:ff:ff:ff', a, 0x0806, arp(1, a, '172.17.0.2', '00:00:00:00:00:00', '172.17.0.3'))
    : eth(b, a, 0x0800, ipv4({ src: '172.17.0.2', dst: '172.17.0.3', protocol: 17 }, udp(40000, 7, new Uint8Array(8)))),
}))));

const open: ReplaySession[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

/** A session whose search slices (200 frames each) run only when the test says. */
function sliced(): { s: ReplaySession; pending: (() => void)[] } {
  const pending: (() => void)[] = [];
  const s = new ReplaySession([file], { schedule: (run) => pending.push(run), searchSteps: 200 });
  s.index.indexAll();
  s.first();
  open.push(s);
  return { s, pending };
}

describe('the / search in slices', () => {
  it('says how far it got between slices, then goes to the match', () => {
    const { s, pending } = sliced();
    let paints = 0;
    s.subscribe(() => paints++);
    s.search('arp');
    expect(s.searching).toBe(true);
    expect(s.message).toEqual({ text: 'searching arp... 6% (Esc cancels)', error: false });
    expect(pending).toHaveLength(1);
    let slices = 1;
    while (pending.length > 0) {
      pending.shift()!();
      slices++;
    }
    expect(slices).toBe(13); // 2499 frames to run, 200 a slice
    expect(s.searching).toBe(false);
    expect(s.cursor.frame?.no).toBe(2500);
    expect(s.message).toEqual({ text: 'frame 2500 matches arp', error: false });
    expect(paints).toBeGreaterThanOrEqual(2);
  });

  it('is cancelled by Esc (dismiss), back where it started', () => {
    const { s, pending } = sliced();
    s.seek(10);
    s.search('arp');
    pending.shift()!();
    expect(s.cursor.position).toBeGreaterThan(10);
    s.dismiss();
    expect(s.searching).toBe(false);
    expect(s.cursor.position).toBe(10);
    expect(s.message).toEqual({ text: 'search for arp cancelled', error: false });
    for (const run of pending.splice(0)) run(); // a slice scheduled before the cancel does nothing
    expect(s.cursor.position).toBe(10);
  });

  it('ends where the user moves the cursor, and reports no match after the last frame', () => {
    const { s, pending } = sliced();
    s.search('arp');
    s.step(1);
    const at = s.cursor.position;
    for (const run of pending.splice(0)) run();
    expect(s.searching).toBe(false);
    expect(s.cursor.position).toBe(at);
    s.seek(2600);
    s.search('arp');
    while (pending.length > 0) pending.shift()!();
    expect(s.cursor.position).toBe(2600);
    expect(s.message).toEqual({ text: 'no frame after this one matches arp', error: true });
  });

  it('c runs to a filter breakpoint in slices too, with progress, the hit in the status, and Esc to cancel', () => {
    const { s, pending } = sliced();
    s.addBreakpoint('arp && (arp.src.proto_ipv4 == 172.17.0.3 || arp.dst.proto_ipv4 == 172.17.0.3)'); // a filter (plain `arp` names the ARP changes)
    s.continueToBreakpoint();
    expect(s.searching).toBe(true);
    expect(s.message).toEqual({ text: 'running to a breakpoint... 6% (Esc cancels)', error: false });
    while (pending.length > 0) pending.shift()!();
    expect(s.cursor.frame?.no).toBe(2500);
    expect(s.player.stopReason).toBe('breakpoint: filter arp && (arp.src.proto_ipv4 == 172.17.0.3 || arp.dst.proto_ipv4 == 172.17.0.3)');
    expect(s.message).toBeNull();
    // again, from the hit: no later frame matches, so it runs to the end and says so
    s.continueToBreakpoint();
    while (pending.length > 0) pending.shift()!();
    expect(s.player.stopReason).toBe('no breakpoint hit before the end');
    // cancelled halfway: back where it started
    s.seek(10);
    s.continueToBreakpoint();
    pending.shift()!();
    s.dismiss();
    expect(s.cursor.position).toBe(10);
    expect(s.message).toEqual({ text: 'run to a breakpoint cancelled', error: false });
  });

  it('by default runs a slice for a few milliseconds, then yields to the event loop', async () => {
    const s = new ReplaySession([file], {});
    open.push(s);
    s.index.indexAll();
    s.first();
    s.search('arp');
    while (s.searching) await new Promise((resolve) => setImmediate(resolve));
    expect(s.cursor.frame?.no).toBe(2500);
  });
});
