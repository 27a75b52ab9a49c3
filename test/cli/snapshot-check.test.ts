// `dockshark snapshot` and `dockshark check` through the built CLI. Every capture set in
// captures/ round-trips (check exits 0 on the files it was snapshotted from, and two
// snapshots are the same bytes); altered recordings fail with a report that names the
// entry and the frame; unusable input exits 2 with one sentence. The --ignore and
// --match-by cases are in snapshot-check-options.test.ts.
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mac, readFrames, replaceBytes, writePcap } from '../helpers/capture-edit.js';
import { capturesDir } from '../helpers/paths.js';
import { runCli, runCliAsync } from '../helpers/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'dockshark-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface CaptureSet { name: string; files: string[]; args: string[] }

/** As a user would group them: each multi-interface pcapng alone, each `-i any` pcap alone (with the link dump that names its interfaces), the per-interface pcaps together. */
function captureSets(): CaptureSet[] {
  const sets: CaptureSet[] = [];
  for (const scenario of readdirSync(capturesDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()) {
    const at = (f: string): string => join(capturesDir, scenario, f);
    const files = readdirSync(join(capturesDir, scenario)).sort();
    const vxlan = scenario === 'overlay-8472' ? ['--vxlan-port', '8472'] : [];
    const topology = ['truth-host-links.json', 'docker-network-inspect.json'].filter((f) => existsSync(at(f))).flatMap((f) => ['--topology', at(f)]);
    for (const f of files.filter((f) => f.endsWith('.pcapng'))) sets.push({ name: `${scenario}/${f}`, files: [at(f)], args: vxlan });
    for (const f of files.filter((f) => f.endsWith('-any.pcap'))) sets.push({ name: `${scenario}/${f} with its topology`, files: [at(f)], args: [...vxlan, ...topology] });
    const single = files.filter((f) => f.endsWith('.pcap') && !f.endsWith('-any.pcap'));
    if (single.length > 0) sets.push({ name: `${scenario}/${single.join('+')}`, files: single.map(at), args: vxlan });
  }
  return sets;
}

/** Object keys in sorted order at every depth. */
function keysSorted(v: unknown): boolean {
  if (Array.isArray(v)) return v.every(keysSorted);
  if (v === null || typeof v !== 'object') return true;
  const keys = Object.keys(v);
  return keys.every((k, i) => i === 0 || keys[i - 1] < k) && Object.values(v).every(keysSorted);
}

describe('snapshot -> check round trip', () => {
  const sets = captureSets();
  it('covers every scenario folder that has captures', () => {
    expect(new Set(sets.map((s) => s.name.split('/')[0])).size).toBe(12);
    expect(sets.length).toBeGreaterThanOrEqual(29);
  });

  it.concurrent.each(sets)('$name: check exits 0, and the snapshot is stable, sorted and free of volatile fields', async (s) => {
    const first = await runCliAsync(['snapshot', ...s.files, ...s.args]);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    const expected = join(dir, `${s.name.replace(/[^a-z0-9]+/gi, '_')}.json`);
    writeFileSync(expected, first.stdout);
    const [second, check] = await Promise.all([runCliAsync(['snapshot', ...s.files, ...s.args]), runCliAsync(['check', ...s.files, ...s.args, '--expect', expected])]);
    expect(second.stdout).toBe(first.stdout);
    expect(check).toMatchObject({ code: 0, stderr: '', stdout: expect.stringMatching(/^check: [1-9]\d* agree, 0 differ from .*\.\n$/) });
    const snapshot = JSON.parse(first.stdout) as { format: string; version: number; inputs: string[]; changes: unknown[]; volatile?: unknown };
    expect(keysSorted(snapshot)).toBe(true);
    expect(snapshot).toMatchObject({ format: 'dockshark-snapshot', version: 1, inputs: s.files.map((f) => basename(f)) });
    expect(snapshot.volatile).toBeUndefined();
    expect(first.stdout).not.toContain(capturesDir);
    // the change log: one change per line, two-space indentation
    const lines = first.stdout.split('\n');
    const open = lines.indexOf('  "changes": [');
    const changeLines = lines.slice(open + 1, open + 1 + snapshot.changes.length).map((l) => JSON.parse(l.replace(/^ {4}/, '').replace(/,$/, '')) as unknown);
    expect(changeLines).toEqual(snapshot.changes);
  }, 120_000);
});

describe('check on altered recordings', () => {
  const bridge = join(capturesDir, 'bridge/bridge-docker0.pcap');
  const expected = join(dir, 'bridge-docker0.json');
  const snapshotOf = (files: string[], out: string): void => {
    const r = runCli(['snapshot', ...files]);
    expect(r.code).toBe(0);
    writeFileSync(out, r.stdout);
  };

  it('a frame removed: the changes it made move, later frame numbers shift (said once), and the counts drop', () => {
    snapshotOf([bridge], expected);
    const { frames, linkType } = readFrames(bridge);
    const altered = join(dir, 'removed.pcap');
    writePcap(altered, frames.filter((f) => f.no !== 9), linkType); // c3's ARP request for the gateway
    const r = runCli(['check', altered, '--expect', expected]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^capture: frames 33 in the expected run, frames 32 now$/m);
    expect(r.stdout).toMatch(/^change log: arp\.new 172\.17\.0\.4 is-at 02:42:ac:11:00:04 at frame 9 in the expected run, at frame 16 now \(moved in the log\)$/m);
    expect(r.stdout).toMatch(/^change log: frame 9 got fdb\.flood \(unnamed\) 02:42:ac:11:00:04 flooded from 36:9a:8d:4d:8d:f7 .*, not expected$/m);
    expect(r.stdout).toMatch(/^ARP: 172\.17\.0\.4 is-at 02:42:ac:11:00:04: first at frame 9, last at frame 28 in the expected run, first at frame 16, last at frame 27 now$/m);
    expect(r.stdout).toMatch(/^frame numbers: \d+ entries and changes that otherwise agree are 1 frame earlier now, from expected frame 10 to 33 \(e\.g\. /m);
    expect(r.stdout).toMatch(/^check: \d+ agree, [1-9]\d* differ from /m);
  });

  it('a MAC changed in one ARP reply: the ARP entry, the extra FDB entry and the changes that follow, each at its frame', () => {
    snapshotOf([bridge], expected);
    const { frames, linkType } = readFrames(bridge);
    const altered = join(dir, 'mac.pcap');
    writePcap(altered, frames.map((f) => (f.no === 2 ? { ...f, bytes: replaceBytes(f.bytes, mac('02:42:ac:11:00:03'), mac('02:42:ac:11:00:33')) } : f)), linkType);
    const r = runCli(['check', altered, '--expect', expected]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^change log: frame 2 expected arp\.new 172\.17\.0\.3 is-at 02:42:ac:11:00:03, got arp\.new 172\.17\.0\.3 is-at 02:42:ac:11:00:33 at frame 2$/m);
    expect(r.stdout).toMatch(/^extra FDB \(unnamed\) entry 02:42:ac:11:00:33 learned on an unknown port \(not expected, first at frame 2\)$/m);
    expect(r.stdout).toMatch(/^change log: frame 16 got arp\.changed 172\.17\.0\.3 is-at 02:42:ac:11:00:03, was 02:42:ac:11:00:33, not expected$/m);
    expect(r.stdout).toMatch(/^FDB \(unnamed\): 02:42:ac:11:00:03 learned on an unknown port: first at frame 2 in the expected run, first at frame 4 now$/m);
  });

  it('a NAT translation missing (its frames dropped on the uplink): the translation and its changes, with their frames', () => {
    const docker0 = join(capturesDir, 'napt-collide/napt-collide-docker0.pcap');
    const eth0 = join(capturesDir, 'napt-collide/napt-collide-eth0.pcap');
    const nat = join(dir, 'napt-collide.json');
    snapshotOf([docker0, eth0], nat);
    const { frames, linkType } = readFrames(eth0);
    const altered = join(dir, 'napt-collide-eth0.pcap');
    writePcap(altered, frames.filter((f) => f.no !== 11 && f.no !== 12), linkType); // 198.51.100.2:4063 <-> 198.51.100.1:7, c3's
    const r = runCli(['check', docker0, altered, '--expect', nat]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^missing NAT translation udp snat 172\.17\.0\.4:40000 > 198\.51\.100\.1:7, reply 198\.51\.100\.1:7 > 198\.51\.100\.2:4063 \(- -> -\) \(expected, first at frame 25\)$/m);
    expect(r.stdout).toMatch(/^change log: frame 26 expected nat\.new udp 172\.17\.0\.4:40000 > 198\.51\.100\.1:7, reply 198\.51\.100\.1:7 > 198\.51\.100\.2:4063, got nothing$/m);
    expect(r.stdout).toMatch(/^change log: frame 26 expected nat\.remap .*\(port 40000 -> 4063\), got nothing$/m);
  });

  it('--with-volatile records when, where, which dockshark and how long, and check does not compare it', () => {
    const r = runCli(['snapshot', bridge, '--with-volatile']);
    expect(r.code).toBe(0);
    const v = (JSON.parse(r.stdout) as { volatile: Record<string, unknown> }).volatile;
    expect(v).toMatchObject({ dockshark: '0.1.0', files: [bridge], topology: [], capture: { first: '2026-11-22T22:40:31.385269000Z', last: expect.stringMatching(/^2026-11-22T22:40:41\./) } });
    expect(Date.parse(String(v.createdAt))).not.toBeNaN();
    expect(typeof v.elapsedMs).toBe('number');
    const withVolatile = join(dir, 'volatile.json');
    writeFileSync(withVolatile, r.stdout);
    expect(runCli(['check', bridge, '--expect', withVolatile]).code).toBe(0);
  });
});

describe('check on unusable input: exit 2, one sentence', () => {
  const bridge = join(capturesDir, 'bridge/bridge-docker0.pcap');
  const good = join(dir, 'good.json');
  const oneSentence = /^dockshark: [^\n]*\.\n$/;
  const cases: [string, () => string[]][] = [
    ['a snapshot that is not JSON', () => { writeFileSync(join(dir, 'bad.json'), '{"format": '); return [bridge, '--expect', join(dir, 'bad.json')]; }],
    ['JSON that is not a snapshot', () => { writeFileSync(join(dir, 'other.json'), '{"frames": 3}'); return [bridge, '--expect', join(dir, 'other.json')]; }],
    ['another format version', () => { writeFileSync(join(dir, 'v2.json'), JSON.stringify({ format: 'dockshark-snapshot', version: 2 })); return [bridge, '--expect', join(dir, 'v2.json')]; }],
    ['a damaged snapshot', () => { writeFileSync(join(dir, 'damaged.json'), JSON.stringify({ format: 'dockshark-snapshot', version: 1, report: {} })); return [bridge, '--expect', join(dir, 'damaged.json')]; }],
    ['a missing snapshot', () => [bridge, '--expect', join(dir, 'absent.json')]],
    ['a missing capture', () => [join(dir, 'absent.pcap'), '--expect', good]],
    ['a file that is not a capture', () => [good, '--expect', good]],
    ['an unknown --ignore value', () => [bridge, '--expect', good, '--ignore', 'ports,colour']],
  ];
  it.each(cases)('%s', (_name, args) => {
    writeFileSync(good, runCli(['snapshot', bridge]).stdout);
    const r = runCli(['check', ...args()]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(`${r.stderr.split('\n').filter((l) => l.startsWith('dockshark: ')).at(-1)}\n`).toMatch(oneSentence);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it('usage errors (a bad --match-by, no --expect) exit 2 too: 1 means "differs"', () => {
    expect(runCli(['check', bridge, '--expect', good, '--match-by', 'colour']).code).toBe(2);
    expect(runCli(['check', bridge]).code).toBe(2);
  });
});
