// Retired NAT rows: the first half kept, a ring of the last half, the rest counted; copies
// share storage but never see each other's writes, before and after the ring wraps.
import { describe, expect, it } from 'vitest';
import { NatConn } from '../../src/analysis/napt-conn.js';
import { NatHistory } from '../../src/analysis/napt-history.js';

function conn(n: number): NatConn {
  const c = new NatConn(17, 0xac110002, 0xc6336401, 40000 + (n % 1000), 7, 0xc6336401, 0xc6336402, 7, 40000 + (n % 1000));
  c.pktsOrig = n;
  c.pktsReply = n * 2;
  c.inside = n % 2 ? 'docker0' : null;
  c.outside = 'eth0';
  c.firstFrame = n;
  c.lastFrame = n + 1;
  c.position = n;
  return c;
}

/** Adds connections from..to-1 (positions as numbers), recording each one's row on it. */
function fill(h: NatHistory, from: number, to: number): NatConn[] {
  const conns: NatConn[] = [];
  for (let n = from; n < to; n++) {
    const c = conn(n);
    c.historyRow = h.add(c);
    conns.push(c);
  }
  return conns;
}

const positions = (h: NatHistory) => h.rowsInFoundOrder().map((row) => h.positionAt(row));
const counts = (h: NatHistory) => h.rowsInFoundOrder().map((row) => h.conn(row).pktsOrig);

describe('NatHistory', () => {
  it('round-trips rows across chunk boundaries, 16-bit ports and ICMP keys included', () => {
    const h = new NatHistory(2000);
    const conns = fill(h, 0, 700);
    for (const n of [0, 255, 256, 511, 699]) {
      const c = h.conn(conns[n].historyRow);
      expect([c.pktsOrig, c.pktsReply, c.inside, c.outside, c.firstFrame, c.lastFrame, c.oSport, c.rDport, c.position, c.active])
        .toEqual([n, n * 2, n % 2 ? 'docker0' : null, 'eth0', n, n + 1, 40000 + (n % 1000), 40000 + (n % 1000), n, false]);
    }
    const icmp = new NatConn(1 | (8 << 8), 0xffffffff, 1, 65535, 0, 1, 0x80000000, 0, 65535);
    icmp.position = 700;
    const back = h.conn(h.add(icmp));
    expect([back.proto, back.oSrc, back.oSport, back.oDport, back.rDst, back.rSport, back.rDport, back.withdrawn])
      .toEqual([icmp.proto, 0xffffffff, 65535, 0, 0x80000000, 0, 65535, false]);
  });

  it('reuses a report entry while its row holds the same connection, and rebuilds it once written again', () => {
    const h = new NatHistory(4); // 2 first, a ring of 2
    const conns = fill(h, 0, 3);
    const first = h.entry(conns[0].historyRow);
    const ringed = h.entry(conns[2].historyRow);
    expect(first).toEqual(conns[0].toJson());
    expect(h.entry(conns[0].historyRow)).toBe(first);
    // A count updated: a new entry with the new count; the others stay.
    conns[0].pktsOrig = 99;
    h.update(conns[0].historyRow, conns[0]);
    expect(h.entry(conns[0].historyRow)).not.toBe(first);
    expect((h.entry(conns[0].historyRow) as { packets: { original: number } }).packets.original).toBe(99);
    expect(h.entry(conns[2].historyRow)).toBe(ringed);
    // The ring gives the row to a later connection: its entry, not the old one.
    fill(h, 3, 5);
    expect(h.entry(conns[2].historyRow)).toEqual(conn(4).toJson());
    expect(positions(h)).toEqual([0, 1, 3, 4]);
    // A copy starts without entries and shares none it makes later with the original.
    const copy = h.copy();
    const mine = copy.entry(0);
    conns[1].pktsReply = 7;
    copy.update(conns[1].historyRow, conns[1]);
    expect(copy.entry(0)).toBe(mine);
    expect((copy.entry(conns[1].historyRow) as { packets: { reply: number } }).packets.reply).toBe(7);
    expect((h.entry(conns[1].historyRow) as { packets: { reply: number } }).packets.reply).toBe(2);
  });

  it('keeps the first half and the last half, counting the ones between', () => {
    const h = new NatHistory(7); // 3 first, a ring of 4
    fill(h, 0, 5);
    expect(positions(h)).toEqual([0, 1, 2, 3, 4]);
    expect(h.dropped).toBe(0);
    fill(h, 5, 20);
    expect(positions(h)).toEqual([0, 1, 2, 16, 17, 18, 19]);
    expect(h.dropped).toBe(13);
  });

  it('orders rows by position, not by the order they retired in', () => {
    const h = new NatHistory(4);
    for (const n of [5, 1, 9, 3, 7, 2]) h.add(conn(n)); // first 5, 1; then the ring keeps 7, 2
    expect(positions(h)).toEqual([1, 2, 5, 7]);
    expect(h.dropped).toBe(2);
  });

  it('writes to a connection still held, ignores one the ring gave away, and uncounts it when withdrawn', () => {
    const h = new NatHistory(2); // one row for the first, a ring of one
    const [a, b] = fill(h, 0, 2);
    const [c] = fill(h, 2, 3); // takes b's ring row
    expect(positions(h)).toEqual([0, 2]);
    expect(h.dropped).toBe(1);
    a.pktsOrig = 100;
    h.update(a.historyRow, a);
    b.pktsOrig = 200;
    h.update(b.historyRow, b); // b's row is c's now: nothing changes
    expect(counts(h)).toEqual([100, 2]);
    b.withdrawn = true;
    h.withdraw(b.historyRow, b); // b left the report already: it is no longer counted as left out
    expect(h.dropped).toBe(0);
    c.withdrawn = true;
    h.withdraw(c.historyRow, c);
    expect(h.withdrawnAt(c.historyRow)).toBe(true);
    fill(h, 3, 4); // a withdrawn row given away is not counted either
    expect(h.dropped).toBe(0);
  });

  it('a copy and its original write independently, rewrites of shared rows included', () => {
    const original = new NatHistory(2000);
    const conns = fill(original, 0, 600);
    const copy = original.copy();
    const changed = (n: number, pkts: number) => Object.assign(conn(n), { pktsOrig: pkts });
    original.update(conns[10].historyRow, changed(10, 9999)); // rewrite a shared row on one side
    copy.update(conns[300].historyRow, changed(300, 8888)); // and another on the other side
    fill(original, 600, 601); // append on both sides
    copy.add(changed(600, 700));
    const at = (h: NatHistory, n: number) => h.conn(n).pktsOrig;
    expect([at(original, 10), at(copy, 10)]).toEqual([9999, 10]);
    expect([at(original, 300), at(copy, 300)]).toEqual([300, 8888]);
    expect([at(original, 600), at(copy, 600)]).toEqual([600, 700]);
    const second = copy.copy();
    copy.update(conns[10].historyRow, changed(10, 7777));
    expect([at(original, 10), at(copy, 10), at(second, 10)]).toEqual([9999, 7777, 10]);
  });

  it('copies taken before and after the ring wraps stay independent as the ring goes on', () => {
    const h = new NatHistory(600); // 300 first, a ring of 300 over two chunks
    fill(h, 0, 500);
    const before = h.copy();
    fill(h, 500, 800); // wraps: 200 of the ring's rows rewritten
    const after = h.copy();
    fill(h, 800, 1000);
    fill(before, 5000, 5010); // the old copy goes its own way
    expect(positions(before)).toEqual([...range(0, 500), ...range(5000, 5010)]);
    expect(before.dropped).toBe(0);
    expect(positions(after)).toEqual([...range(0, 300), ...range(500, 800)]);
    expect(after.dropped).toBe(200);
    expect(positions(h)).toEqual([...range(0, 300), ...range(700, 1000)]);
    expect(h.dropped).toBe(400);
  });
});

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}
