// The snapshot file and the change-log alignment: Myers' script is a longest common
// subsequence (checked against dynamic programming), the JSON is stable and one change
// per line, and a file that is not a snapshot of this version is refused with a reason.
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../src/decode/index.js';
import { align } from '../../src/verify/compare/align.js';
import { buildSnapshot, readSnapshot, snapshotText } from '../../src/verify/compare/snapshot.js';
import { stableJson } from '../../src/verify/compare/stable-json.js';

function lcs(a: string[], b: string[]): number {
  const t = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) t[i][j] = a[i] === b[j] ? t[i + 1][j + 1] + 1 : Math.max(t[i + 1][j], t[i][j + 1]);
  }
  return t[0][0];
}

describe('align', () => {
  const seq = fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { maxLength: 14 });
  test.prop([seq, seq])('keeps a longest common subsequence and accounts for every item in order', (a, b) => {
    const ops = align(a, b);
    const kept = ops.filter((o) => o.op === '=');
    expect(kept.every((o) => o.op === '=' && a[o.i] === b[o.j])).toBe(true);
    expect(kept).toHaveLength(lcs(a, b));
    expect(ops.flatMap((o) => (o.op === '+' ? [] : [o.i]))).toEqual(a.map((_, i) => i));
    expect(ops.flatMap((o) => (o.op === '-' ? [] : [o.j]))).toEqual(b.map((_, j) => j));
  });

  it('past the edit limit, reports the middle as deleted then inserted', () => {
    expect(align(['x', 'a', 'b', 'y'], ['x', 'c', 'd', 'y'], 1).map((o) => o.op).join('')).toBe('=--++=');
  });
});

describe('stableJson', () => {
  it('sorts keys at every depth, indents by two, and prints the named arrays one element per line', () => {
    const text = stableJson({ b: 1, a: { d: [1, 2], c: null }, changes: [{ z: 1, frame: 2 }, { kind: 'x\u009b' }] }, new Set(['changes']));
    expect(text).toBe([
      '{', '  "a": {', '    "c": null,', '    "d": [', '      1,', '      2', '    ]', '  },', '  "b": 1,', '  "changes": [',
      '    {"frame": 2, "z": 1},', '    {"kind": "x\\u009b"}', '  ]', '}'].join('\n'));
    expect(JSON.parse(text)).toEqual({ a: { c: null, d: [1, 2] }, b: 1, changes: [{ frame: 2, z: 1 }, { kind: 'x\u009b' }] });
  });
});

describe('the snapshot file', () => {
  const options = { vxlanPorts: [4789], ageingSeconds: 300, topology: [] };
  const report: Record<string, JsonValue> = { frames: 2, arp: [], events: [{ frame: 1, kind: 'arp.new', ip: '10.0.0.1', mac: '02:00:00:00:00:01' }] };
  const written = (): JsonValue => JSON.parse(snapshotText(buildSnapshot(['a.pcap'], options, { ...report }, { frames: 0, macs: [] }))) as JsonValue;

  it('reads back what it wrote: the events become the change log', () => {
    expect(readSnapshot(written())).toEqual({
      inputs: ['a.pcap'], options, report: { frames: 2, arp: [] }, changes: report.events, housekeeping: { frames: 0, macs: [] },
    });
  });

  it('refuses other files with the reason', () => {
    expect(readSnapshot({ frames: 2 })).toEqual({ error: expect.stringMatching(/^is not a dockshark snapshot/) });
    expect(readSnapshot({ ...(written() as object), version: 2 })).toEqual({ error: expect.stringMatching(/version 2, and this dockshark reads version 1$/) });
    expect(readSnapshot({ ...(written() as object), changes: [{ frame: 1 }] })).toEqual({ error: expect.stringMatching(/damaged/) });
  });
});
