// No byte from a capture reaches the terminal unescaped: a crafted capture whose DNS name,
// payload and interface name carry ESC [ 2 J, BEL and C1 controls is rendered in every pane
// (120x40 shows them all) and the output holds no control character but newlines.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { afterAll, describe, expect, it } from 'vitest';
import { concatBytes, encodePcap } from '../../src/capture/pcap-writer.js';
import { encodeEpb, encodeIdb, encodeShb } from '../../src/capture/pcapng-writer.js';
import { App } from '../../src/ui/App.js';
import { arp, bytes, eth, ipv4, udp } from '../helpers/build.js';
import { session } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'dockshark-escape-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const EVIL = '\x1b[2J\x07\x9b';
const latin1 = (text: string) => Uint8Array.from([...text].map((c) => c.charCodeAt(0)));

function dnsQuery(labels: string[]): Uint8Array {
  const name = labels.flatMap((l) => [l.length, ...latin1(l)]);
  return bytes([0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0], [...name, 0], [0, 1, 0, 1]);
}

const a = '02:42:ac:11:00:02';
const b = '02:42:ac:11:00:03';
const pcapFile = join(dir, 'evil.pcap');
writeFileSync(pcapFile, encodePcap([
  { tsSec: 1_700_000_000, tsNsec: 0, bytes: eth(b, a, 0x0800, ipv4({ src: '172.17.0.2', dst: '172.17.0.3', protocol: 17 }, udp(40000, 53, dnsQuery([`evil${EVIL}`, 'example'])))) },
  { tsSec: 1_700_000_001, tsNsec: 0, bytes: eth(b, a, 0x0800, ipv4({ src: '172.17.0.2', dst: '172.17.0.3', protocol: 17 }, udp(40000, 9999, latin1(`\x1b]0;pwned\x07${EVIL}`)))) },
]));
const pcapngFile = join(dir, 'evil.pcapng');
writeFileSync(pcapngFile, concatBytes([
  encodeShb(), encodeIdb({ name: `br${EVIL}0`, tsresol: 9 }),
  encodeEpb({ timestamp: { high: 0, low: 1000 }, bytes: eth('ff:ff:ff:ff:ff:ff', a, 0x0806, arp(1, a, '172.17.0.2', '00:00:00:00:00:00', '172.17.0.1')) }),
]));

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

async function screens(file: string): Promise<string[]> {
  const s = session([file]);
  const app = render(<App session={s} width={120} height={40} />);
  const out: string[] = [];
  try {
    for (let position = 1; position <= s.index.timeline.length; position++) {
      s.seek(position);
      await new Promise((resolve) => setTimeout(resolve, 30)); // Ink paints on its next turn
      out.push(app.lastFrame() ?? '');
    }
  } finally {
    app.unmount();
  }
  return out;
}

describe('control bytes from a capture are shown escaped', () => {
  it('in DNS names and payloads (pcap)', async () => {
    const [dns, payload] = await screens(pcapFile);
    for (const screen of [dns, payload]) expect(screen).not.toMatch(CONTROL);
    expect(dns).toContain('evil\\027[2J\\007\\155.example'); // the DNS decoder's own escape (dig's \DDD)
    expect(payload).toContain('1b 5d 30 3b 70 77  ...]0;pw'); // the hex pane: ESC and BEL as '.'
    expect(payload).toContain('6e 65 64 07 1b 5b 32 4a  ned..[2J');
  });

  it('in interface names (pcapng), wherever they are shown', async () => {
    const [screen] = await screens(pcapngFile);
    expect(screen).not.toMatch(CONTROL);
    expect(screen).toContain('br\\x1b[2J\\x07\\x9b0');
  });
});
