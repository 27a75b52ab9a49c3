// `decode -w` and `analyze -w`: the files written are read back by tshark with the same
// frames as the input: bytes, timestamps, lengths, interface names and directions.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { capturesDir } from '../helpers/paths.js';
import { runCli } from '../helpers/run-cli.js';

const hasTshark = spawnSync('tshark', ['-v'], { encoding: 'utf8' }).status === 0;
if (!hasTshark) console.log('skipping the tshark read-back of written files: tshark is not installed');

const dir = mkdtempSync(join(tmpdir(), 'dockshark-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const captures = readdirSync(capturesDir, { recursive: true, encoding: 'utf8' })
  .filter((f) => /\.pcap(ng)?$/.test(f))
  .sort();

interface TsharkFrame {
  raw: string;
  /** Seconds and nanoseconds as text: compared exactly, not as floats. */
  time: string;
  len: string;
  capLen: string;
  iface: string;
  direction: string;
}

/** What tshark reads of every frame of a file. */
function tsharkFrames(path: string): TsharkFrame[] {
  const fields = spawnSync('tshark', ['-r', path, '-T', 'fields', '-E', 'separator=/t', '-e', 'frame.time_epoch', '-e', 'frame.len',
    '-e', 'frame.cap_len', '-e', 'frame.interface_name', '-e', 'frame.packet_flags_direction'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  expect(fields.status, fields.stderr).toBe(0);
  const raw = spawnSync('tshark', ['-r', path, '-T', 'jsonraw', '-j', 'frame'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  expect(raw.status, raw.stderr).toBe(0);
  const bytes = (JSON.parse(raw.stdout) as { _source: { layers: { frame_raw: [string] } } }[]).map((p) => p._source.layers.frame_raw[0]);
  return fields.stdout.split('\n').filter((l) => l !== '').map((line, i) => {
    const [time, len, capLen, iface, direction] = line.split('\t');
    return { raw: bytes[i], time: normaliseTime(time), len, capLen, iface, direction };
  });
}

/** "1795387272.452584" and "1795387272.452584000" are the same instant. */
function normaliseTime(t: string): string {
  const [sec, frac = ''] = t.split('.');
  return `${sec}.${frac.padEnd(9, '0')}`;
}

describe.skipIf(!hasTshark)('decode -w / analyze -w: tshark reads back the same frames', () => {
  it.each(captures)('%s -> pcapng', (name) => {
    const input = join(capturesDir, name);
    const out = join(dir, `${relative(capturesDir, input).replaceAll('/', '_')}.pcapng`);
    const r = runCli(['decode', input, '-w', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    // a pcap names no interface; tshark calls a pcapng interface without if_name "unknown"
    const expected = tsharkFrames(input).map((f) => (f.iface === '' ? { ...f, iface: 'unknown' } : f));
    expect(r.stderr).toContain(`wrote ${expected.length} of ${expected.length} frames`);
    expect(tsharkFrames(out)).toEqual(expected);
  });

  it.each(captures.filter((f) => f.endsWith('.pcap')))('%s -> pcap', (name) => {
    const input = join(capturesDir, name);
    const out = join(dir, `${relative(capturesDir, input).replaceAll('/', '_')}.copy.pcap`);
    const r = runCli(['decode', input, '-w', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(tsharkFrames(out)).toEqual(tsharkFrames(input));
  });

  it('analyze -w writes the analysed frames (in time order) and still prints the tables', () => {
    const input = join(capturesDir, 'napt/napt-multi.pcapng');
    const out = join(dir, 'analyzed.pcapng');
    const r = runCli(['analyze', input, '-w', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('docker0');
    // the engines take frames in time order, which the file's order is not quite
    const byTime = (a: TsharkFrame, b: TsharkFrame) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0);
    const written = tsharkFrames(out);
    expect([...written].sort(byTime)).toEqual(written);
    expect(written).toEqual(tsharkFrames(input).sort(byTime));
  });

  it('refuses to put two link types in a classic pcap, in one sentence', () => {
    const out = join(dir, 'mixed.pcap');
    const r = runCli(['decode', join(capturesDir, 'napt/napt-multi.pcapng'), join(capturesDir, 'napt/napt-any.pcap'), '-w', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/a pcap file holds one link type, and these frames have \d+ and \d+; write a \.pcapng instead\.\n$/);
    expect(r.stderr).not.toContain('    at ');
  });
});

describe('analyze --ndjson', () => {
  it('streams the changes of --json, in order, then the report without them', () => {
    const input = join(capturesDir, 'napt/napt-multi.pcapng');
    const json = JSON.parse(runCli(['analyze', input, '--json']).stdout) as { events: unknown[] };
    const lines = runCli(['analyze', input, '--ndjson']).stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const last = lines.pop() as { report: Record<string, unknown> };
    expect(lines).toEqual(json.events);
    const { events: _events, ...rest } = json;
    expect(last.report).toEqual(rest);
  });
});
