// No byte from a capture reaches the terminal unescaped: a crafted capture whose DNS name,
// payload and interface name carry ESC [ 2 J, BEL and C1 controls is rendered in every pane
// (120x40 shows them all) and the output holds no control character but newlines. A second
// capture carries every hostile character (bidi override, U+2028, NUL, bad UTF-8 too) in its
// interface names, with a topology whose container names do the same; what is typed at the
// prompt (a paste can hold ESC) and the messages quoting it are escaped as well.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { afterAll, describe, expect, it } from 'vitest';
import { concatBytes, encodePcap } from '../../src/capture/pcap-writer.js';
import { encodeEpb, encodeIdb, encodeShb } from '../../src/capture/pcapng-writer.js';
import { parseTopologyFile } from '../../src/topology/detect.js';
import { App } from '../../src/ui/App.js';
import { ReplaySession } from '../../src/ui/session.js';
import { buildScreen, INITIAL_UI } from '../../src/ui/selectors/screen-model.js';
import { arp, bytes, eth, ipv4, udp } from '../helpers/build.js';
import { plain, session } from './helpers.js';

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
// The payload frame first, and the query broadcast: the DNS frame then changes no table (its
// source is learned, a broadcast flood is only counted), so the step's one-line explanation
// describes the query itself, with the whole name.
writeFileSync(pcapFile, encodePcap([
  { tsSec: 1_700_000_000, tsNsec: 0, bytes: eth(b, a, 0x0800, ipv4({ src: '172.17.0.2', dst: '172.17.0.3', protocol: 17 }, udp(40000, 9999, latin1(`\x1b]0;pwned\x07${EVIL}`)))) },
  { tsSec: 1_700_000_001, tsNsec: 0, bytes: eth('ff:ff:ff:ff:ff:ff', a, 0x0800, ipv4({ src: '172.17.0.2', dst: '172.17.0.3', protocol: 17 }, udp(40000, 53, dnsQuery([`evil${EVIL}`, 'example'])))) },
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
    const [payload, dns] = await screens(pcapFile);
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

/** Every kind of hostile character; its escaped form (src/decode/escape.ts). */
const ALL_EVIL = '\x1b[2J\r\x07\x9b\u202e\x00\u2028z';
const ALL_EVIL_SHOWN = '\\x1b[2J\\x0d\\x07\\x9b\\u202e\\x00\\u2028z';
/** What a terminal must not get: controls (newline aside), C1, and what reorders or hides text. */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/;

const utf8 = (text: string) => new TextEncoder().encode(text);
const namedFile = join(dir, 'all-evil.pcapng');
writeFileSync(namedFile, concatBytes([
  encodeShb(),
  encodeIdb({ options: [{ code: 2, value: concatBytes([utf8(`br${ALL_EVIL}`), Uint8Array.of(0x9b, 0xff)]) }], tsresol: 9 }),
  encodeIdb({ name: `veth${ALL_EVIL}`, tsresol: 9 }),
  encodeEpb({ interfaceId: 1, timestamp: { high: 0, low: 1000 }, flags: 1, bytes: eth('ff:ff:ff:ff:ff:ff', a, 0x0806, arp(1, a, '172.17.0.2', '00:00:00:00:00:00', '172.17.0.3')) }),
  encodeEpb({ interfaceId: 0, timestamp: { high: 0, low: 1001 }, bytes: eth('ff:ff:ff:ff:ff:ff', a, 0x0806, arp(1, a, '172.17.0.2', '00:00:00:00:00:00', '172.17.0.3')) }),
  encodeEpb({ interfaceId: 1, timestamp: { high: 0, low: 2000 }, bytes: eth(a, b, 0x0806, arp(2, b, '172.17.0.3', a, '172.17.0.2')) }),
]));
const topology = parseTopologyFile(JSON.stringify([{
  Name: `net${ALL_EVIL}`, Id: 'n1', Driver: 'bridge',
  IPAM: { Config: [{ Subnet: '172.17.0.0/16', Gateway: '172.17.0.1' }] },
  Containers: { x: { Name: `c1${ALL_EVIL}`, MacAddress: a, IPv4Address: '172.17.0.2/16' }, y: { Name: `c2${ALL_EVIL}`, MacAddress: b, IPv4Address: '172.17.0.3/16' } },
}]), 'network.json');

/** A terminal frame without Ink's own styling (SGR), which must then hold nothing unsafe. */
function expectSafeScreen(frame: string | undefined, width: number): string {
  const text = plain(frame);
  expect(text).not.toMatch(UNSAFE);
  // Escaping happens before layout: every line still fits the terminal.
  for (const line of text.split('\n')) expect([...line].length).toBeLessThanOrEqual(width);
  return text;
}

function namedSession(): ReplaySession {
  const s = new ReplaySession([namedFile], { schedule: () => {}, topology });
  s.index.indexAll();
  return s;
}

const paint = () => new Promise((resolve) => setTimeout(resolve, 30));

describe('every hostile character, in interface and container names and at the prompt', () => {
  it('wide and compact layouts, every step', async () => {
    for (const [width, height] of [[160, 48], [80, 24]]) {
      const s = namedSession();
      const app = render(<App session={s} width={width} height={height} />);
      try {
        const seen: string[] = [];
        for (let position = 0; position <= s.index.timeline.length; position++) {
          s.seek(position);
          await paint();
          seen.push(expectSafeScreen(app.lastFrame(), width));
        }
        const all = seen.join('\n');
        expect(all).toContain(`veth${ALL_EVIL_SHOWN}`);
        if (width >= 120) expect(all).toContain(`c1${ALL_EVIL_SHOWN}`);
      } finally {
        app.unmount();
        s.close();
      }
    }
  });

  it('the status line names the bridge escaped, bad UTF-8 as U+FFFD', () => {
    const s = namedSession();
    try {
      s.seek(2);
      const model = buildScreen(s.view(), INITIAL_UI, 120, 40);
      expect(model.status).toContain(`frame 2 on br${ALL_EVIL_SHOWN}\ufffd\ufffd`);
      expect(model.status).not.toMatch(UNSAFE);
    } finally {
      s.close();
    }
  });

  it('what is typed or pasted at the prompt, and the message that quotes it', async () => {
    const s = namedSession();
    const app = render(<App session={s} width={120} height={40} />);
    try {
      await paint();
      app.stdin.write(':');
      await paint();
      // Ink's input parser takes ESC and CR as keys; what a paste can still bring is C1 and the invisible ones.
      app.stdin.write('12\u202ez\x9b\u2028');
      await paint();
      expect(expectSafeScreen(app.lastFrame(), 120)).toContain('go to frame (or 12.5s): 12\\u202ez\\x9b\\u2028');
      app.stdin.write('\r');
      await paint();
      // (goTo trims the text, and U+2028 is white space)
      expect(expectSafeScreen(app.lastFrame(), 120)).toContain('"12\\u202ez\\x9b" is neither a frame number');
    } finally {
      app.unmount();
      s.close();
    }
  });

  it('the model of a prompt holding raw controls (the pure selector)', () => {
    const s = namedSession();
    try {
      const model = buildScreen(s.view(), { ...INITIAL_UI, prompt: { kind: 'filter', text: `ip${ALL_EVIL}` } }, 120, 40);
      expect(model.bottom.text).toBe(`filter: ip${ALL_EVIL_SHOWN}_`);
    } finally {
      s.close();
    }
  });
});
