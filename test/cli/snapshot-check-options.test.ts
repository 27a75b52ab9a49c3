// `dockshark check`'s --ignore and --match-by, each shown to matter: a recording altered
// in just what the option is about fails without it and passes with it, and what the
// option does not cover still fails with it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { editUdp, later, mac, readFrames, replaceBytes, writePcap, type Frame } from '../helpers/capture-edit.js';
import { capturesDir } from '../helpers/paths.js';
import { runCli } from '../helpers/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'dockshark-check-opt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const bridge = join(capturesDir, 'bridge/bridge-docker0.pcap');
const expected = join(dir, 'bridge.json');

function snapshot(files: string[], out: string, args: string[] = []): string {
  const r = runCli(['snapshot', ...files, ...args]);
  expect(r.code).toBe(0);
  writeFileSync(out, r.stdout);
  return out;
}

/** bridge-docker0.pcap with `edit` applied, written to `name`. */
function alteredBridge(name: string, edit: (frames: Frame[]) => Frame[]): string {
  const { frames, linkType } = readFrames(bridge);
  const out = join(dir, name);
  writePcap(out, edit(frames), linkType);
  return out;
}

/** The check fails without `option` and passes with it. */
function failsWithoutPasses(files: string[], snapshotFile: string, option: string[]): string {
  const without = runCli(['check', ...files, '--expect', snapshotFile]);
  expect(without.code).toBe(1);
  const withIt = runCli(['check', ...files, '--expect', snapshotFile, ...option]);
  expect(withIt).toMatchObject({ code: 0, stdout: expect.stringMatching(/^check: [1-9]\d* agree, 0 differ from /) });
  return without.stdout;
}

beforeAll(() => {
  snapshot([bridge], expected);
});

describe('check --match-by ip', () => {
  it('a container\'s MAC changed in every frame (Docker picks a new one) matches by the IP it claims', () => {
    const altered = alteredBridge('c2-new-mac.pcap', (fs) => fs.map((f) => ({ ...f, bytes: replaceBytes(f.bytes, mac('02:42:ac:11:00:03'), mac('02:42:ac:11:77:03')) })));
    const plain = failsWithoutPasses([altered], expected, ['--match-by', 'ip']);
    expect(plain).toMatch(/^missing FDB \(unnamed\) entry 02:42:ac:11:00:03 learned on an unknown port \(expected, first at frame 2\)$/m);
  });

  it('still sees a MAC that changed in one frame only', () => {
    const altered = alteredBridge('one-mac.pcap', (fs) => fs.map((f) => (f.no === 2 ? { ...f, bytes: replaceBytes(f.bytes, mac('02:42:ac:11:00:03'), mac('02:42:ac:11:00:33')) } : f)));
    const r = runCli(['check', altered, '--expect', expected, '--match-by', 'ip']);
    expect(r.code).toBe(1);
    // labels go by first claim: the forged MAC claimed 172.17.0.3 first, the real one is the second
    expect(r.stdout).toMatch(/^ARP: 172\.17\.0\.3 is-at mac-of\(172\.17\.0\.3\) at frame 2 in the expected run, is-at mac-of\(172\.17\.0\.3\)#2 at frame 16 now$/m);
    expect(r.stdout).toMatch(/^change log: frame 16 got arp\.changed 172\.17\.0\.3 is-at mac-of\(172\.17\.0\.3\)#2, was mac-of\(172\.17\.0\.3\), not expected$/m);
  });
});

describe('check --ignore ports', () => {
  const napt = (f: string): string => join(capturesDir, 'napt-collide', f);
  const files = [napt('napt-collide-docker0.pcap'), napt('napt-collide-eth0.pcap')];
  const nat = join(dir, 'napt-collide.json');
  /** c1's UDP flow (172.17.0.2:40000, kept as 198.51.100.2:40000 on the uplink) with other ports. */
  const withPorts = (name: string, inside: number, outside: number): string[] => files.map((file, side) => {
    const { frames, linkType } = readFrames(file);
    const [host, port] = side === 0 ? ['172.17.0.2', inside] : ['198.51.100.2', outside];
    const out = join(dir, `${name}-${side}.pcap`);
    writePcap(out, frames.map((f) => ({ ...f, bytes: editUdp(f.bytes, (u) => [
      u.src === host && u.sport === 40000 ? port : u.sport, u.dst === host && u.dport === 40000 ? port : u.dport]) })), linkType);
    return out;
  });

  it('another ephemeral source port for the same connection', () => {
    snapshot(files, nat);
    const plain = failsWithoutPasses(withPorts('sport', 41000, 41000), nat, ['--ignore', 'ports']);
    expect(plain).toMatch(/^missing NAT translation udp snat 172\.17\.0\.2:40000 > 198\.51\.100\.1:7, .* \(expected, first at frame 5\)$/m);
    expect(plain).toMatch(/^extra NAT translation udp snat 172\.17\.0\.2:41000 > 198\.51\.100\.1:7, /m);
  });

  it('but whether NAT remapped the port is still compared', () => {
    snapshot(files, nat);
    const r = runCli(['check', ...withPorts('remapped', 40000, 40005), '--expect', nat, '--ignore', 'ports']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^NAT: udp 172\.17\.0\.2 > 198\.51\.100\.1:7 snat, reply 198\.51\.100\.1:7 > 198\.51\.100\.2, source port kept \(- -> -\) at frame 5 in the expected run, snat, reply 198\.51\.100\.1:7 > 198\.51\.100\.2, source port remapped \(- -> -\) at frame 5 now$/m);
  });
});

describe('check --ignore ipv6-noise', () => {
  it('new random MACs on the interfaces that only send IPv6 housekeeping (host-side veths, the bridge)', () => {
    const br0 = join(capturesDir, 'overlay-learn/overlay-br0-h1.pcap');
    const expectedBr0 = snapshot([br0], join(dir, 'br0.json'));
    const { frames, linkType } = readFrames(br0);
    const altered = join(dir, 'br0-noise.pcap');
    const swap = (b: Uint8Array): Uint8Array => replaceBytes(replaceBytes(b, mac('32:7c:b8:bc:25:57'), mac('32:7c:b8:bc:25:99')), mac('d6:90:90:31:c5:4b'), mac('d6:90:90:31:c5:99'));
    writePcap(altered, frames.map((f) => ({ ...f, bytes: swap(f.bytes) })), linkType);
    const plain = failsWithoutPasses([altered], expectedBr0, ['--ignore', 'ipv6-noise']);
    expect(plain).toMatch(/^change log: frame 14 expected fdb\.learn \(unnamed\) 32:7c:b8:bc:25:57 on an unknown port, got nothing$/m);
  });
});

describe('check --ignore frames, counts, time, changes', () => {
  it('frames: a frame that changes nothing recorded later', () => {
    const altered = alteredBridge('moved.pcap', (fs) => fs.map((f) => (f.no === 5 ? { ...later(fs[fs.length - 1], 1e6), bytes: f.bytes } : f)));
    const plain = failsWithoutPasses([altered], expected, ['--ignore', 'frames']);
    expect(plain).toMatch(/^frame numbers: 11 entries and changes that otherwise agree are 1 frame earlier now, from expected frame 9 to 33 /m);
  });

  it('counts: one more (undecodable) frame at the end', () => {
    const altered = alteredBridge('longer.pcap', (fs) => [...fs, { ...later(fs[fs.length - 1], 1e6), bytes: new Uint8Array(10) }]);
    expect(failsWithoutPasses([altered], expected, ['--ignore', 'counts'])).toMatch(/^capture: frames 33 in the expected run, frames 34 now$/m);
  });

  it('time: the same frames 1 ms later from frame 20 on change how long entries sat idle before expiring', () => {
    const ageing = snapshot([bridge], join(dir, 'ageing.json'), ['--ageing', '1']);
    const altered = alteredBridge('slower.pcap', (fs) => fs.map((f) => (f.no >= 20 ? later(f, 1e6) : f)));
    const plain = failsWithoutPasses([altered], ageing, ['--ignore', 'time']);
    expect(plain).toMatch(/^change log: frame 23 expected fdb\.expire \(unnamed\) 02:42:ac:11:00:03 .* \(idleSeconds 1\.022163 expected, 1\.023163 now\)$/m);
  });

  it('changes: the same final tables reached in another order (frames ignored too: the order moves them)', () => {
    const altered = alteredBridge('reordered.pcap', (fs) => fs.map((f) => (f.no <= 8 ? { ...later(fs[18], f.no * 1000), bytes: f.bytes } : f)));
    const plain = runCli(['check', altered, '--expect', expected, '--ignore', 'frames']);
    expect(plain.code).toBe(1);
    expect(plain.stdout).toMatch(/^change log: arp\.new 172\.17\.0\.3 is-at 02:42:ac:11:00:03 at frame 2 in the expected run, at frame 8 now \(moved in the log\)$/m);
    // comma-separated and repeated are the same
    for (const option of [['--ignore', 'frames,changes'], ['--ignore', 'frames', '--ignore', 'changes']]) {
      expect(runCli(['check', altered, '--expect', expected, ...option]).code).toBe(0);
    }
  });
});
