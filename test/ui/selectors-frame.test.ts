// The frame selectors without React: packet rows read lazily from the file, protocol and
// info columns, the layer tree (VXLAN inner frame indented), the hex dump.
import { describe, expect, it } from 'vitest';
import { hexDump, bytesPerLine } from '../../src/ui/selectors/hex-dump.js';
import { layerTree, treeLineText } from '../../src/ui/selectors/layer-tree.js';
import { packetColumns, packetHeader, packetLine } from '../../src/ui/selectors/packet-columns.js';
import { NAPT_COLLIDE, OVERLAY_LEARN, session, sessionAtFrame } from './helpers.js';

describe('packet rows', () => {
  it('names the innermost protocol, the innermost addresses, and the tunnel in Info', () => {
    const s = session([OVERLAY_LEARN]);
    const step = s.index.timeline.stepOfFrame(1);
    const row = s.rows.row(step);
    expect(row).toMatchObject({ no: 1, iface: 'eth0', protocol: 'ICMPv6', source: 'fe80::42:aff:fe00:102', destination: 'ff02::16', colour: 'magenta' });
    expect(row.info).toBe('[vxlan 4097] ICMP6, multicast listener report v2');
  });

  it('puts ports first for UDP and shows link addresses for ARP', () => {
    const s = session([NAPT_COLLIDE]);
    const udp = s.rows.row(s.index.timeline.stepOfFrame(5));
    expect(udp).toMatchObject({ protocol: 'UDP', source: '172.17.0.2', destination: '198.51.100.1', info: '40000 > 7 UDP, length 8', colour: 'cyan' });
    const arp = s.rows.row(s.index.timeline.stepOfFrame(3));
    expect(arp).toMatchObject({ protocol: 'ARP', source: '02:42:ac:11:00:02', destination: 'ff:ff:ff:ff:ff:ff', info: 'ARP, Request who-has 172.17.0.1 tell 172.17.0.2' });
  });

  it('reads only the rows asked for, in time order, with time since the first frame', () => {
    const s = session([NAPT_COLLIDE]);
    const rows = s.rows.rows(85, 100);
    expect(rows.map((r) => r.step)).toEqual([85, 86, 87, 88, 89, 90, 91]);
    expect(s.rows.row(0).time).toBe('0.000000');
    expect(Number(rows[0].time)).toBeGreaterThan(0);
  });

  it('lays rows out in columns that fit the width', () => {
    const s = session([NAPT_COLLIDE]);
    for (const width of [80, 120, 200]) {
      const c = packetColumns(width, 92);
      expect(packetHeader(c).length).toBeLessThanOrEqual(width);
      for (const row of s.rows.rows(0, 92)) expect(packetLine(row, c).length).toBeLessThanOrEqual(width);
    }
  });
});

describe('layer tree', () => {
  it('indents the VXLAN inner frame under the outer layers', () => {
    const s = sessionAtFrame([OVERLAY_LEARN], 1);
    const frame = s.cursor.frame!;
    const lines = layerTree(frame.layers, [], 60);
    const text = lines.map(treeLineText);
    expect(text[0]).toBe('Ethernet II, be:03:bf:41:f7:03 > fa:6c:c0:32:19:41');
    expect(text).toContain('  src=be:03:bf:41:f7:03  dst=fa:6c:c0:32:19:41  type=0x0800');
    const vxlan = lines.findIndex((l) => l.text.startsWith('VXLAN, vni 4097'));
    expect(lines[vxlan].depth).toBe(0);
    expect(lines[vxlan + 2]).toMatchObject({ depth: 1, kind: 'inner', text: 'inner frame (vxlan vni 4097)' });
    expect(lines.slice(vxlan + 3).filter((l) => l.kind === 'layer').map((l) => [l.depth, l.text.split(',')[0]])).toEqual([[1, 'Ethernet II'], [1, 'IPv6'], [1, 'ICMPv6']]);
    for (const line of text) expect(line.length).toBeLessThanOrEqual(60);
  });

  it('shows an ICMP error\'s quoted datagram and decode issues', () => {
    const lines = layerTree(
      [{ proto: 'icmp', type: 3, code: 4, quoted: [{ proto: 'ipv4', src: '10.0.0.1', dst: '10.0.0.2' }] }],
      [{ layer: 'udp', offset: 42, kind: 'truncated', message: 'The header is cut \x1b[2J short.' }],
      80,
    );
    expect(lines.map(treeLineText)).toEqual([
      'ICMP', '  type=3  code=4', '  quoted datagram', '    IPv4, 10.0.0.1 > 10.0.0.2', '      src=10.0.0.1  dst=10.0.0.2',
      '! truncated in udp at byte 42: The header is cut \\x1b[2J short.',
    ]);
  });
});

describe('hex dump', () => {
  it('shows offset, 16 bytes in two groups and printable ASCII only', () => {
    const bytes = Uint8Array.from([0x1b, 0x5b, 0x32, 0x4a, 0x41, 0x00, 0x7f, 0x80, 0xff, 0x20, 0x7e, 0x0a, 0x0d, 0x07, 0x61, 0x62, 0x63]);
    expect(hexDump(bytes)).toEqual([
      '0000  1b 5b 32 4a 41 00 7f 80  ff 20 7e 0a 0d 07 61 62  .[2JA.... ~...ab',
      '0010  63                                                c',
    ]);
  });

  it('uses 8 or 4 bytes a line in narrow panes', () => {
    expect(bytesPerLine(80)).toBe(16);
    expect(bytesPerLine(40)).toBe(8);
    expect(bytesPerLine(30)).toBe(4);
    const lines = hexDump(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]), 8);
    expect(lines).toEqual(['0000  01 02 03 04 05 06 07 08  ........', `${'0008  09'.padEnd(29)}  .`]);
  });
});
