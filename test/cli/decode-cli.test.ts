// End-to-end runs of the real `dockshark decode` (dist/cli/main.js) on the project's recordings.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { capturesDir, cliPath, repoRoot } from '../helpers/paths.js';
import { runCli } from '../helpers/run-cli.js';

const capture = (name: string) => resolve(capturesDir, name);
const lines = (text: string) => text.split('\n').filter((l) => l.length > 0);
const ndjson = (text: string) => lines(text).map((l) => JSON.parse(l) as Record<string, unknown>);
const tmp = mkdtempSync(join(tmpdir(), 'dockshark-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('dockshark decode', () => {
  it('prints one text line per frame with interface names from a multi-interface pcapng', () => {
    const r = runCli(['decode', capture('bridge/bridge-multi.pcapng')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const out = lines(r.stdout);
    expect(out.length).toBe(111);
    expect(out[1]).toMatch(/^2 \d\d:\d\d:\d\d\.\d{9} docker0 02:42:ac:11:00:02 > ff:ff:ff:ff:ff:ff, ethertype ARP \(0x0806\), length 42: ARP, Request who-has 172\.17\.0\.3 tell 172\.17\.0\.2$/);
    expect(out.some((l) => / veth1a2b3c4 .*ICMP echo request, id \d+, seq 1$/.test(l))).toBe(true);
  });

  it('prints the issue shape of NDJSON and keeps timestamps to the nanosecond', () => {
    const r = runCli(['decode', '--ndjson', capture('bridge/bridge-multi.pcapng')]);
    const frames = ndjson(r.stdout);
    const first = frames[0];
    expect(Object.keys(first).slice(0, 8)).toEqual(['no', 'ts', 'iface', 'dir', 'len', 'caplen', 'layers', 'issues']);
    expect(first.ts).toMatch(/^2026-11-22T\d\d:\d\d:\d\d\.\d{9}Z$/);
    expect(frames.map((f) => f.no)).toEqual(frames.map((_, i) => i + 1));
  });

  it('shows the SLL2 direction and ifindex of a `tcpdump -i any` capture', () => {
    const frames = ndjson(runCli(['decode', '--ndjson', capture('bridge/bridge-any.pcap')]).stdout);
    expect(frames.length).toBe(111);
    expect(new Set(frames.map((f) => f.dir))).toEqual(new Set(['in', 'out']));
    expect(frames.every((f) => typeof f.ifindex === 'number' && (f.layers as { proto: string }[])[0].proto === 'sll')).toBe(true);
  });

  it('merges several files by timestamp, keeping each frame\'s file', () => {
    const r = runCli(['decode', '--ndjson', capture('napt/napt-docker0.pcap'), capture('napt/napt-eth0.pcap')]);
    const frames = ndjson(r.stdout);
    expect(frames.length).toBe(34 + 32);
    expect(new Set(frames.map((f) => f.file))).toEqual(new Set([0, 1]));
    const times = frames.map((f) => f.ts as string);
    expect([...times].sort()).toEqual(times);
  });

  it('reads standard input', () => {
    const bytes = readFileSync(capture('napt/napt-eth0.pcap'));
    const fromFile = runCli(['decode', capture('napt/napt-eth0.pcap')]).stdout;
    const fromStdin = runCli(['decode', '-'], bytes);
    expect(fromStdin.code).toBe(0);
    expect(fromStdin.stdout).toBe(fromFile);
  });

  it('reads what tcpdump writes to a pipe', () => {
    const tcpdump = spawnSync('sh', ['-c', 'command -v tcpdump'], { encoding: 'utf8' });
    if (tcpdump.status !== 0) {
      console.log('skipping the tcpdump pipe test: tcpdump is not installed');
      return;
    }
    const r = spawnSync('sh', ['-c', `tcpdump -r "${capture('napt/napt-any.pcap')}" -w - 2>/dev/null | "${process.execPath}" "${cliPath}" decode --ndjson -`], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(ndjson(r.stdout).length).toBe(110);
  });

  it('decodes VXLAN on 8472 only when asked', () => {
    const plain = lines(runCli(['decode', capture('overlay-8472/overlay8472-underlay-h1.pcap')]).stdout);
    expect(plain.some((l) => l.includes('VXLAN'))).toBe(false);
    const asked = lines(runCli(['decode', '--vxlan-port', '8472', capture('overlay-8472/overlay8472-underlay-h1.pcap')]).stdout);
    expect(asked.filter((l) => l.includes('VXLAN, flags [I] (0x08), vni 4097')).length).toBeGreaterThan(5);
  });

  it('stops after -c frames', () => {
    expect(lines(runCli(['decode', '-c', '3', capture('bridge/bridge-docker0.pcap')]).stdout).length).toBe(3);
  });

  it('reports a capture cut short by a killed tcpdump and keeps every frame before it', () => {
    const whole = readFileSync(capture('bridge/bridge-docker0.pcap'));
    const cut = join(tmp, 'cut.pcap');
    writeFileSync(cut, whole.subarray(0, whole.length - 10));
    const r = runCli(['decode', cut]);
    expect(r.code).toBe(0);
    expect(lines(r.stdout).length).toBe(32);
    expect(r.stderr).toMatch(/^dockshark: .*cut\.pcap: at byte \d+ after frame 32 \(record\): .+ Rule: .+\n$/);
  });

  it('says clearly when a file is missing or is not a capture', () => {
    const missing = runCli(['decode', join(tmp, 'nope.pcap')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^dockshark: .*nope\.pcap/);
    const notCapture = join(tmp, 'readme.pcap');
    writeFileSync(notCapture, readFileSync(resolve(repoRoot, 'package.json')));
    const bad = runCli(['decode', notCapture]);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/readme\.pcap: not a pcap or pcapng file: starts with 7b 0a 20 20 \(looks like JSON\)\.\n$/);
  });

  it('rejects a bad option value with a clear message', () => {
    const r = runCli(['decode', '--vxlan-port', '70000', capture('bridge/bridge-docker0.pcap')]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('a UDP port is a whole number from 1 to 65535');
  });

  it('ends quietly when the reader of its output goes away', () => {
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${cliPath}" decode "${capture('napt-collide/napt-collide-any.pcap')}" | head -1`], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(lines(r.stdout).length).toBe(1);
    expect(r.stderr).toBe('');
  });

  it('escapes control characters that come from a capture', () => {
    // A pcapng whose interface name holds an ANSI escape sequence.
    const name = 'eth\u001b[31mX';
    const pcapng = buildPcapngWithInterfaceName(name);
    const file = join(tmp, 'evil.pcapng');
    writeFileSync(file, pcapng);
    const text = runCli(['decode', file]).stdout;
    expect(text).not.toContain('\u001b');
    expect(text).toContain('eth\\x1b[31mX');
    const json = runCli(['decode', '--ndjson', file]).stdout;
    expect(json).not.toContain('\u001b');
    expect((ndjson(json)[0] as { iface: string }).iface).toBe(name);
  });
});

/** A one-packet little-endian pcapng (SHB, IDB with if_name, EPB with an ARP frame). */
function buildPcapngWithInterfaceName(name: string): Buffer {
  const block = (type: number, body: Buffer) => {
    const total = 12 + body.length;
    const b = Buffer.alloc(total);
    b.writeUInt32LE(type, 0);
    b.writeUInt32LE(total, 4);
    body.copy(b, 8);
    b.writeUInt32LE(total, total - 4);
    return b;
  };
  const pad4 = (b: Buffer) => Buffer.concat([b, Buffer.alloc((4 - (b.length % 4)) % 4)]);
  const shb = Buffer.alloc(16);
  shb.writeUInt32LE(0x1a2b3c4d, 0);
  shb.writeUInt16LE(1, 4);
  shb.writeBigInt64LE(-1n, 8);
  const nameBytes = Buffer.from(name, 'utf8');
  const opt = Buffer.alloc(4);
  opt.writeUInt16LE(2, 0);
  opt.writeUInt16LE(nameBytes.length, 2);
  const idb = Buffer.concat([Buffer.from([1, 0, 0, 0, 0, 0, 0, 0]), opt, pad4(nameBytes), Buffer.alloc(4)]);
  const frame = Buffer.from('ffffffffffff0242ac11000208060001080006040001' + '0242ac110002ac110002000000000000ac110003', 'hex');
  const epbHead = Buffer.alloc(20);
  epbHead.writeUInt32LE(0, 0);
  epbHead.writeUInt32LE(frame.length, 12);
  epbHead.writeUInt32LE(frame.length, 16);
  const epb = Buffer.concat([epbHead, pad4(frame)]);
  return Buffer.concat([block(0x0a0d0d0a, shb), block(1, idb), block(6, epb)]);
}
