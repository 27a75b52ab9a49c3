// Nothing from a capture (or from a topology file, a file name, a filter) reaches the terminal
// unescaped: a crafted pcapng whose every string (section and interface options, packet and
// statistics comments, name records, DNS labels) carries ESC [2J, CR, BEL, a C1 CSI (U+009B),
// invalid UTF-8, a bidi override (U+202E), NUL and U+2028 goes through every command that
// prints text, with the real built CLI. Each output must be valid UTF-8 without a control
// character (newlines aside) nor a character that reorders or hides text, and must show
// what was there in its escaped form.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ARG_EVIL, ARG_EVIL_SHOWN, c1, c2, EVIL, EVIL_SHOWN, hostile } from '../helpers/hostile-capture.js';
import { cliPath } from '../helpers/paths.js';

if (!existsSync(cliPath)) console.log(`skipping the escaping end-to-end tests: ${cliPath} is not built (npm run build)`);

const dir = mkdtempSync(join(tmpdir(), 'dockshark-escape-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The file name carries ESC and CR too: it is quoted in the warnings.
const captureFile = join(dir, `evil${'\x1b[2J\r'}.pcapng`);
writeFileSync(captureFile, hostile);
const otherFile = join(dir, 'other.pcapng');
copyFileSync(captureFile, otherFile);

// A `docker network inspect` whose names are hostile: the tables show them beside the MACs.
const topologyFile = join(dir, 'network.json');
writeFileSync(topologyFile, JSON.stringify([{
  Name: `net${EVIL}`, Id: 'n1', Driver: 'bridge',
  IPAM: { Config: [{ Subnet: '172.17.0.0/16', Gateway: '172.17.0.1' }] },
  Options: { 'com.docker.network.bridge.name': `br${EVIL}` },
  Containers: {
    a: { Name: `c1${EVIL}`, MacAddress: c1, IPv4Address: '172.17.0.2/16' },
    b: { Name: `c2${EVIL}`, MacAddress: c2, IPv4Address: '172.17.0.3/16' },
  },
}]));

interface Run { code: number | null; stdout: Buffer; stderr: Buffer; out: string; err: string }

function run(args: string[]): Run {
  const r = spawnSync(process.execPath, [cliPath, ...args], { maxBuffer: 64 * 1024 * 1024, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, out: r.stdout.toString('utf8'), err: r.stderr.toString('utf8') };
}

// eslint-disable-next-line no-control-regex
const RAW_CONTROL_BYTE = /[\x00-\x08\x09\x0b-\x1f\x7f]/;
/** C1 controls as characters, and what reorders or hides text (the set escape.ts escapes). */
const UNSAFE_CHAR = /[\u0080-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/;

/** The bytes a terminal would get: UTF-8 (so no stray 0x9b byte), no control but newline, nothing invisible. */
function expectTerminalSafe(output: Buffer, what: string): void {
  const text = new TextDecoder('utf-8', { fatal: true }).decode(output); // throws on invalid UTF-8
  const bad = text.match(RAW_CONTROL_BYTE) ?? text.match(UNSAFE_CHAR);
  expect(bad?.[0], `${what}: a raw U+${bad?.[0].charCodeAt(0).toString(16).padStart(4, '0')} in:\n${text.slice(0, 2000)}`).toBeUndefined();
}

function expectSafe(r: Run, what: string): void {
  expectTerminalSafe(r.stdout, `${what} (stdout)`);
  expectTerminalSafe(r.stderr, `${what} (stderr)`);
}

const SHOWN_FILE = 'evil\\x1b[2J\\x0d.pcapng';
const READ_WARNING = `${SHOWN_FILE}: at byte`;

describe.skipIf(!existsSync(cliPath))('hostile text through every command (the built CLI)', () => {
  it('decode: interface names, DNS labels, the file name in the warning', () => {
    const r = run(['decode', captureFile]);
    expectSafe(r, 'decode');
    expect(r.code).toBe(0);
    // Interface names: escaped, and bad UTF-8 shown as U+FFFD (the reader's TextDecoder, as tshark 4).
    expect(r.out).toContain(` br${EVIL_SHOWN}\ufffd\ufffd `);
    expect(r.out).toContain(` veth${EVIL_SHOWN} In `);
    // DNS labels keep the DNS decoder's own escape (dig's \DDD, bytes in decimal), which has no raw byte either.
    expect(r.out).toContain('A? evil\\027[2J\\013\\007\\194\\155\\226\\128\\174\\000\\226\\128\\168z\\155\\255.example');
    expect(r.err).toContain(READ_WARNING);
  });

  it('decode --ndjson: JSON escapes, and the exact strings survive a parse', () => {
    const r = run(['decode', '--ndjson', captureFile]);
    expectSafe(r, 'decode --ndjson');
    const frames = r.out.trim().split('\n').map((l) => JSON.parse(l) as { iface: string; comments?: string[] });
    expect(frames.map((f) => f.iface)).toEqual([`veth${EVIL}`, `br${EVIL}\ufffd\ufffd`, `br${EVIL}\ufffd\ufffd`, `veth${EVIL}`, `veth${EVIL}`]);
    expect(frames[0].comments).toEqual([EVIL]);
    expect(r.out).toContain('\\u009b\\u202e\\u0000\\u2028z');
  });

  it('decode -Y: a filter naming a hostile interface, and a filter that does not parse', () => {
    const matched = run(['decode', '-Y', `frame.interface_name == "veth${ARG_EVIL}"`, captureFile]);
    expectSafe(matched, 'decode -Y');
    const bad = run(['decode', '-Y', `ip.addr == ${ARG_EVIL}`, captureFile]);
    expectSafe(bad, 'decode -Y (bad filter)');
    expect(bad.code).not.toBe(0);
    expect(bad.err).toContain(`ip.addr == ${ARG_EVIL_SHOWN}`);
    // The caret stands under the escaped text where the parser stopped.
    const lines = bad.err.split('\n');
    const shown = lines.findIndex((l) => l.includes(ARG_EVIL_SHOWN));
    expect(lines[shown + 1]).toMatch(/^ +\^$/);
    expect(lines[shown + 1].length).toBeLessThanOrEqual(lines[shown].length);
  });

  it('analyze, with and without hostile topology names, as tables, events and JSON', () => {
    for (const args of [[], ['--topology', topologyFile], ['--events', '--topology', topologyFile]]) {
      const r = run(['analyze', ...args, captureFile]);
      expectSafe(r, `analyze ${args.join(' ')}`);
      expect(r.code).toBe(0);
      expect(r.out).toContain(`veth${EVIL_SHOWN}`);
      expect(r.err).toContain(READ_WARNING);
      if (args.length > 0) expect(r.out).toContain(`c1${EVIL_SHOWN}`);
    }
    for (const format of ['--json', '--ndjson']) {
      const r = run(['analyze', format, '--topology', topologyFile, captureFile]);
      expectSafe(r, `analyze ${format}`);
      expect(r.out).toContain('c1\\u001b[2J\\r\\u0007\\u009b\\u202e\\u0000\\u2028z');
    }
  });

  it('stats, replay and open (not a terminal: the tables)', () => {
    for (const args of [['stats', '--endpoints'], ['replay', '--events', '--topology', topologyFile], ['open', '--topology', topologyFile]]) {
      const r = run([...args, captureFile]);
      expectSafe(r, args.join(' '));
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.err, args.join(' ')).toContain(READ_WARNING);
    }
    const at3 = run(['replay', '--at', '3', '--topology', topologyFile, captureFile]);
    expectSafe(at3, 'replay --at 3');
    expect(at3.out).toContain(`c2${EVIL_SHOWN}`);
    const until = run(['replay', '--until', `frame.interface_name == "br${ARG_EVIL}"`, captureFile]);
    expectSafe(until, 'replay --until');
  });

  it('snapshot, check and diff', () => {
    const snapshot = run(['snapshot', '--topology', topologyFile, captureFile]);
    expectSafe(snapshot, 'snapshot');
    const snapshotFile = join(dir, 'snapshot.json');
    writeFileSync(snapshotFile, snapshot.stdout);
    // Checked against a capture without the names: every difference quotes one.
    const check = run(['check', '--expect', snapshotFile, otherFile]);
    expectSafe(check, 'check');
    expect(check.code).toBe(1);
    expect(check.out).toContain(EVIL_SHOWN);
    const diff = run(['diff', captureFile, otherFile]);
    expectSafe(diff, 'diff');
  });

  it('verify against a kernel table naming hostile interfaces', () => {
    const fdb = join(dir, 'fdb.json');
    writeFileSync(fdb, JSON.stringify([{ mac: c1, ifname: `veth${EVIL}`, master: `br${EVIL}`, state: '' }]));
    const r = run(['verify', '--kernel', fdb, captureFile]);
    expectSafe(r, 'verify');
    expect(r.out + r.err).toContain(EVIL_SHOWN);
  });

  it('error messages: a missing file, a file that is not a capture, a bad option value, all named with ESC', () => {
    const missing = run(['decode', join(dir, `missing${ARG_EVIL}.pcap`)]);
    expectSafe(missing, 'missing file');
    expect(missing.err).toContain(`missing${ARG_EVIL_SHOWN}.pcap`);
    const html = join(dir, `page${ARG_EVIL}.pcap`);
    writeFileSync(html, `\x1b[2J<!DOCTYPE html>${ARG_EVIL}`.repeat(10));
    const notCapture = run(['decode', html]);
    expectSafe(notCapture, 'not a capture');
    expect(notCapture.code).not.toBe(0);
    expect(notCapture.err).toContain(`page${ARG_EVIL_SHOWN}.pcap`);
    const badPort = run(['decode', '--vxlan-port', `47${ARG_EVIL}`, captureFile]);
    expectSafe(badPort, 'bad --vxlan-port');
    expect(badPort.code).not.toBe(0);
    const unknownOption = run(['decode', `--${ARG_EVIL}`, captureFile]);
    expectSafe(unknownOption, 'unknown option');
    expect(unknownOption.err).toContain(ARG_EVIL_SHOWN);
    const badTopology = join(dir, `topo${ARG_EVIL}.json`);
    writeFileSync(badTopology, `{"x": "${EVIL}`);
    const topology = run(['analyze', '--topology', badTopology, captureFile]);
    expectSafe(topology, 'bad topology');
    expect(topology.code).not.toBe(0);
  });
});
