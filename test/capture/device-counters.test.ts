// Reading what the kernel counted on network devices (/proc/net/dev), which a live capture
// compares with what it received: a table in /proc/net/dev's format, and the real one.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readDeviceCounts } from '../../src/capture/device-counters.js';
import { tempPath } from './capture-helpers.js';

const TABLE = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:    1200      12    0    0    0     0          0         0     1200      12    0    0    0     0       0          0
flood0: 200000000 2000000    0    7    0     0          0         0       42        1    0    0    0     0       0          0
br-cbbf334f7335: 5 3 0 0 0 0 0 0 9 4 0 0 0 0 0 0
`;

describe('device counters', () => {
  it('reads frames received and sent of the named devices, and leaves out the others', () => {
    const file = tempPath('net-dev');
    fs.writeFileSync(file, TABLE);
    const counts = readDeviceCounts(['flood0', 'br-cbbf334f7335', 'nope0'], file);
    expect(counts).toEqual(new Map([['flood0', { rx: 2_000_000, tx: 1 }], ['br-cbbf334f7335', { rx: 3, tx: 4 }]]));
  });

  it('is null when the table cannot be read', () => {
    expect(readDeviceCounts(['lo'], tempPath('absent'))).toBeNull();
  });

  it.skipIf(!fs.existsSync('/proc/net/dev'))('finds lo in this machine\'s table', () => {
    const lo = readDeviceCounts(['lo'])?.get('lo');
    expect(lo?.rx).toBeGreaterThanOrEqual(0);
    expect(lo?.tx).toBeGreaterThanOrEqual(0);
  });
});
