// Retired NAT rows: copies share storage but never see each other's writes.
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
  return c;
}

const summary = (h: NatHistory, n: number) => h.conn(n).pktsOrig;

describe('NatHistory', () => {
  it('round-trips rows across chunk boundaries', () => {
    const h = new NatHistory();
    for (let n = 0; n < 700; n++) h.store(n, conn(n));
    for (const n of [0, 255, 256, 511, 699]) {
      const c = h.conn(n);
      expect([c.pktsOrig, c.pktsReply, c.inside, c.outside, c.firstFrame, c.lastFrame, c.oSport, c.active])
        .toEqual([n, n * 2, n % 2 ? 'docker0' : null, 'eth0', n, n + 1, 40000 + (n % 1000), false]);
    }
  });

  it('a copy and its original write independently, rewrites of shared rows included', () => {
    const original = new NatHistory();
    for (let n = 0; n < 600; n++) original.store(n, conn(n));
    const copy = original.copy();
    original.store(10, conn(9999)); // rewrite a shared row on one side
    copy.store(300, conn(8888)); // and another on the other side
    original.store(600, conn(600)); // append on both sides
    copy.store(600, conn(700));
    expect([summary(original, 10), summary(copy, 10)]).toEqual([9999, 10]);
    expect([summary(original, 300), summary(copy, 300)]).toEqual([300, 8888]);
    expect([summary(original, 600), summary(copy, 600)]).toEqual([600, 700]);
    const second = copy.copy();
    copy.store(10, conn(7777));
    expect([summary(original, 10), summary(copy, 10), summary(second, 10)]).toEqual([9999, 7777, 10]);
  });
});
