// NatTable keeps retired connections as compact rows: the report must not tell them from
// live ones, and a change to a retired connection (a packet taken back) still shows. The
// history of retired ones is bounded (first and last natHistory / 2) and never stops the
// table from tracking new connections.
import { describe, expect, it } from 'vitest';
import { NatConn, Packet } from '../../src/analysis/napt-conn.js';
import { DEFAULT_LIMITS } from '../../src/analysis/limits.js';
import { NatTable } from '../../src/analysis/napt-table.js';
import { ORIG_PRE, REPLY_PRE } from '../../src/analysis/napt-tuple.js';
import { parseIpv4 } from '../../src/decode/index.js';

const ip = (text: string) => (parseIpv4(text) as number) >>> 0;

function conn(sport: number, mapped: number): NatConn {
  const c = new NatConn(17, ip('172.17.0.2'), ip('198.51.100.1'), sport, 7, ip('198.51.100.1'), ip('198.51.100.2'), 7, mapped);
  c.inside = 'docker0';
  c.outside = 'eth0';
  c.firstFrame = 1;
  return c;
}

/** NatTable.count at capture time `ms`, as the engine stamps it (NatTable.nowMs). */
function countAt(table: NatTable, c: NatConn, role: number, no: number, ms: number): void {
  table.nowMs = ms;
  table.count(c, role, no, 0);
}

describe('NatTable', () => {
  it('reports retired connections exactly as it reported them live, in the order found', () => {
    const table = new NatTable();
    const a = conn(40000, 40000);
    const b = conn(40001, 50001);
    table.add(a);
    countAt(table, a, ORIG_PRE, 2, 1000);
    countAt(table, a, REPLY_PRE, 3, 1001);
    table.add(b);
    countAt(table, b, ORIG_PRE, 4, 1002);
    const live = table.report();
    table.retire(a);
    expect(table.activeCount).toBe(1);
    const original = Object.assign(new Packet(), { proto: 17, src: a.oSrc, dst: a.oDst, sport: a.oSport, dport: a.oDport });
    expect(table.lookup(original)).toBeNull();
    expect(table.lookup(Object.assign(original, { sport: b.oSport }))?.conn).toBe(b);
    expect(table.report()).toEqual(live);
    expect(a.historyRow).toBeGreaterThanOrEqual(0);
  });

  it('writes changes to a retired connection through to its row, in the copy too', () => {
    const table = new NatTable();
    const a = conn(40000, 40000);
    table.add(a);
    countAt(table, a, ORIG_PRE, 2, 1000);
    countAt(table, a, ORIG_PRE, 3, 1001);
    table.retire(a);
    const { table: copy, map } = table.copy();
    const aCopy = map(a); // as the engine's clone does, for the connections its sightings refer to
    table.uncount(a, ORIG_PRE, 4, []);
    expect((table.report() as { packets: object }[])[0].packets).toEqual({ original: 1, reply: 0 });
    expect((copy.report() as { packets: object }[])[0].packets).toEqual({ original: 2, reply: 0 });
    const out: { kind: string }[] = [];
    copy.uncount(aCopy, ORIG_PRE, 4, []);
    copy.uncount(aCopy, ORIG_PRE, 5, out as never);
    expect(out.map((c) => c.kind)).toEqual(['nat.withdrawn']);
    expect(copy.report()).toEqual([]); // withdrawn: not reported
    expect(table.report()).toHaveLength(1);
  });

  it('lists live and retired connections together in the order found, whatever order they retired in', () => {
    const table = new NatTable();
    const conns = [0, 1, 2, 3, 4].map((n) => conn(40000 + n, 50000 + n));
    for (const c of conns) table.add(c);
    for (const n of [3, 0, 1]) table.retire(conns[n]);
    expect(table.activeCount).toBe(2);
    expect(sports(table)).toEqual([40000, 40001, 40002, 40003, 40004]);
  });

  it('keeps tracking when the history is full: the live ones, the first and last retired, and a count of the rest', () => {
    const table = new NatTable({ ...DEFAULT_LIMITS, natHistory: 4 });
    for (let n = 0; n < 10; n++) {
      expect(table.full(n, [])).toBe(false);
      const c = conn(40000 + n, 50000 + n);
      table.add(c);
      if (n < 8) table.retire(c);
    }
    expect(table.activeCount).toBe(2);
    expect(sports(table)).toEqual([40000, 40001, 40006, 40007, 40008, 40009]);
    expect(table.reportOmitted).toBe(4);
    expect(table.overflow.list()).toEqual([]);
    const newest = Object.assign(new Packet(), { proto: 17, src: ip('172.17.0.2'), dst: ip('198.51.100.1'), sport: 40009, dport: 7 });
    expect(table.lookup(newest)?.conn.oSport).toBe(40009);
  });

  it('a copy keeps its own live connections and history', () => {
    const table = new NatTable({ ...DEFAULT_LIMITS, natHistory: 2 });
    const a = conn(40000, 50000);
    const b = conn(40001, 50001);
    table.add(a);
    table.add(b);
    const { table: copy } = table.copy();
    table.retire(a);
    table.retire(b);
    table.add(conn(40002, 50002));
    expect([table.activeCount, copy.activeCount]).toEqual([1, 2]);
    expect(sports(table)).toEqual([40000, 40001, 40002]);
    expect(sports(copy)).toEqual([40000, 40001]);
    copy.add(conn(40003, 50003));
    expect(sports(copy)).toEqual([40000, 40001, 40003]);
    expect(sports(table)).toEqual([40000, 40001, 40002]);
  });
});

function sports(table: NatTable): number[] {
  return (table.report() as { original: { sport: number } }[]).map((e) => e.original.sport);
}
