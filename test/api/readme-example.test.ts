// The README's library example, run as it is written there (readme.test.ts checks the two agree).
import { describe, expect, it } from 'vitest';
import { analyze, openCapture, replay } from 'dockshark';

describe('the napt capture', () => {
  it('still translates as it did', async () => {
    expect(await analyze('captures/napt/napt-multi.pcapng')).toMatchSnapshot();
  });

  it('learns both containers before the first translation', async () => {
    const trace = await replay('captures/napt/napt-multi.pcapng');
    const firstNat = trace.changes().find((c) => c.kind === 'nat.new');
    const before = trace.stateAt(firstNat!.frame - 1);
    expect(before.arp.map((e) => e.ip)).toContain('172.17.0.2');
    trace.close();
  });

  it('has no malformed frame', async () => {
    for await (const frame of openCapture('captures/napt/napt-multi.pcapng')) {
      expect(frame.issues).toEqual([]);
    }
  });
});
