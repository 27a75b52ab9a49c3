// Display filters on the command line: decode -Y selects what tshark -Y selects (and
// -w writes it), analyze -Y lists the matching frames' changes, replay --until stops at
// the first match, stats -Y counts what tshark's filtered conversation table counts, and
// a bad filter is refused with a caret under the offending character.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { capturesDir } from '../helpers/paths.js';
import { runCli } from '../helpers/run-cli.js';

const hasTshark = spawnSync('tshark', ['-v'], { encoding: 'utf8' }).status === 0;
if (!hasTshark) console.log('skipping the comparisons with tshark -Y: tshark is not installed');

const dir = mkdtempSync(join(tmpdir(), 'dockshark-filter-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const napt = join(capturesDir, 'napt/napt-multi.pcapng');
const overlay = join(capturesDir, 'overlay-learn/overlay-multi-h1.pcapng');
const bridge = join(capturesDir, 'bridge/bridge-multi.pcapng');

function tsharkNumbers(file: string, filter: string): number[] {
  const r = spawnSync('tshark', ['-r', file, '-Y', filter, '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.split('\n').filter((l) => l !== '').map(Number);
}

const numbersOf = (text: string): number[] => text.split('\n').filter((l) => l !== '').map((l) => Number(l.split(' ')[0]));

describe.skipIf(!hasTshark)('decode -Y: the frames tshark -Y selects', () => {
  const cases: [string, string][] = [
    [napt, 'icmp && ip.src == 172.17.0.0/16'],
    [napt, 'udp.port in {7, 8080} || tcp.flags.syn == 1'],
    [napt, 'frame.interface_name == "eth0" && !arp'],
    [overlay, 'vxlan && icmp.type == 8'],
    [overlay, 'ip.src#2 == 10.0.1.2'],
    [bridge, 'eth.dst == ff:ff:ff:ff:ff:ff'],
  ];
  it.each(cases)('%s: %s', (file, filter) => {
    const r = runCli(['decode', file, '-Y', filter]);
    expect(r.code, r.stderr).toBe(0);
    const expected = tsharkNumbers(file, filter);
    expect(expected.length).toBeGreaterThan(0);
    expect(numbersOf(r.stdout)).toEqual(expected);
    expect(r.stderr).toContain(`${expected.length} of `);
  });

  it('-Y with -w writes those frames, as tshark -Y -w does', () => {
    const filter = 'udp || tcp';
    const ours = join(dir, 'ours.pcapng');
    const theirs = join(dir, 'theirs.pcapng');
    expect(runCli(['decode', napt, '-Y', filter, '-w', ours]).code).toBe(0);
    expect(spawnSync('tshark', ['-r', napt, '-Y', filter, '-w', theirs]).status).toBe(0);
    const fields = (f: string) => spawnSync('tshark', ['-r', f, '-T', 'fields', '-e', 'frame.time_epoch', '-e', 'frame.interface_name', '-e', 'frame.len', '-e', 'eth.src', '-e', 'ip.id'],
      { encoding: 'utf8' }).stdout;
    expect(fields(ours)).toBe(fields(theirs));
    expect(fields(ours).split('\n').length).toBeGreaterThan(5);
  });
});

describe('decode -Y with dockshark names', () => {
  it('`change == nat.new` runs the engines and selects the frames that made a translation', () => {
    const r = runCli(['decode', napt, '-Y', 'change == nat.new']);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(runCli(['analyze', napt, '--json']).stdout) as { events: { frame: number; kind: string }[] };
    const made = [...new Set(json.events.filter((e) => e.kind === 'nat.new').map((e) => e.frame))].sort((a, b) => a - b);
    expect(made.length).toBeGreaterThan(2);
    expect(numbersOf(r.stdout)).toEqual(made);
  });

  it('`container == c1` takes the names from --topology', () => {
    const topology = join(capturesDir, 'bridge/docker-network-inspect.json');
    const named = runCli(['decode', bridge, '-Y', 'container == c1', '--topology', topology]);
    const byAddress = runCli(['decode', bridge, '-Y', 'eth.addr == 02:42:ac:11:00:02 || ip.addr == 172.17.0.2 || arp.src.proto_ipv4 == 172.17.0.2 || arp.dst.proto_ipv4 == 172.17.0.2']);
    expect(named.code, named.stderr).toBe(0);
    expect(numbersOf(named.stdout).length).toBeGreaterThan(3);
    expect(numbersOf(named.stdout)).toEqual(numbersOf(byAddress.stdout));
    // without names, no frame belongs to a container
    expect(runCli(['decode', bridge, '-Y', 'container == c1']).stdout).toBe('');
  });

  it('refuses a bad filter with exit 2 and a caret under the offending character', () => {
    const r = runCli(['decode', napt, '-Y', 'arp && ip.sorc == 1.2.3.4']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('dockshark: -Y: unknown field "ip.sorc" at column 7\n  arp && ip.sorc == 1.2.3.4\n         ^\n');
  });
});

describe('analyze -Y', () => {
  it('lists only the matching frames\' changes; the tables still come from every frame', () => {
    const all = JSON.parse(runCli(['analyze', napt, '--json']).stdout) as Record<string, unknown> & { events: { frame: number; kind: string }[] };
    const r = runCli(['analyze', napt, '--json', '-Y', 'change == nat']);
    expect(r.code, r.stderr).toBe(0);
    const some = JSON.parse(r.stdout) as typeof all & { filter: { text: string; frames: number } };
    const natFrames = new Set(all.events.filter((e) => e.kind.startsWith('nat.')).map((e) => e.frame));
    expect(some.events).toEqual(all.events.filter((e) => natFrames.has(e.frame)));
    expect(some.filter).toEqual({ text: 'change == nat', frames: natFrames.size });
    expect(some.arp).toEqual(all.arp);
    expect(some.nat).toEqual(all.nat);
    const lines = runCli(['analyze', napt, '--ndjson', '-Y', 'change == nat']).stdout.trimEnd().split('\n');
    expect(lines.slice(0, -1).map((l) => JSON.parse(l))).toEqual(some.events);
  });
});

describe('replay --until', () => {
  it('stops after the first frame that matches, from --at on', () => {
    const file = join(capturesDir, 'napt-collide/napt-collide-multi.pcapng');
    const events = (JSON.parse(runCli(['analyze', file, '--json']).stdout) as { events: { frame: number; kind: string }[] }).events;
    const remaps = events.filter((e) => e.kind === 'nat.remap').map((e) => e.frame);
    expect(remaps.length).toBeGreaterThan(1);
    const first = runCli(['replay', file, '--until', 'change == nat.remap', '--json']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(new RegExp(`frame ${remaps[0]}: the first to match`));
    const state = JSON.parse(first.stdout) as { events: { frame: number; kind: string }[]; frames: number };
    expect(state.events.filter((e) => e.kind === 'nat.remap').map((e) => e.frame)).toEqual([remaps[0]]);
    const later = runCli(['replay', file, '--at', String(state.frames), '--until', 'change == nat.remap']);
    expect(later.stderr).toMatch(new RegExp(`frame ${remaps[1]}: the first to match`));
    const none = runCli(['replay', file, '--at', String(events.length > 0 ? 1000 : 0), '--until', 'change == nat.remap']);
    expect(none.code).toBe(1);
  });
});

describe.skipIf(!hasTshark)('stats -Y', () => {
  it('counts the conversations tshark -z conv,udp,FILTER counts', () => {
    const r = runCli(['stats', napt, '-Y', 'udp && !(udp.port == 7)', '--layer', 'udp', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const ours = (JSON.parse(r.stdout) as { udp: { conversations: { frames: number }[] } }).udp.conversations;
    const t = spawnSync('tshark', ['-r', napt, '-q', '-n', '-z', 'conv,udp,udp && !(udp.port == 7)'], { encoding: 'utf8' });
    const rows = t.stdout.split('\n').filter((l) => l.includes('<->'));
    expect(rows.length).toBe(ours.length);
    expect(ours.length).toBeGreaterThan(0);
  });
});
