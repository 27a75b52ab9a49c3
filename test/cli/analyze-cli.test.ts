// End-to-end runs of the real `dockshark analyze` (dist/cli/main.js).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lateFrameCapture } from '../helpers/late-capture.js';
import { capturesDir } from '../helpers/paths.js';
import { runCli } from '../helpers/run-cli.js';

const capture = (name: string) => resolve(capturesDir, name);

describe('dockshark analyze', () => {
  it('--json prints the report with every section', () => {
    const r = runCli(['analyze', '--json', capture('napt/napt-multi.pcapng')]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(Object.keys(report)).toEqual(['frames', 'interfaces', 'bridges', 'arp', 'nat', 'overlay', 'events', 'inferred']);
    expect(report.inferred.uplinks[0]).toMatchObject({ inside: 'docker0', outside: 'eth0', hostAddresses: ['198.51.100.2'] });
    expect(report.frames).toBe(66);
    expect(report.interfaces.map((i: { name: string }) => i.name)).toEqual(['docker0', 'eth0']);
    expect(report.nat.length).toBeGreaterThan(0);
    expect(report.events.every((e: { frame: number; kind: string }) => Number.isInteger(e.frame) && /^\w+\.[\w-]+$/.test(e.kind))).toBe(true);
  });

  it('names -i any interfaces from a topology', () => {
    const without = JSON.parse(runCli(['analyze', '--json', capture('bridge/bridge-any.pcap')]).stdout);
    expect(without.interfaces).toEqual([{ name: null, linktype: 276, frames: 111 }]);
    const withTopology = JSON.parse(runCli(['analyze', '--json', '--topology', capture('bridge/truth-host-links.json'), capture('bridge/bridge-any.pcap')]).stdout);
    const ports = withTopology.bridges.flatMap((b: { fdb: { port: string | null }[] }) => b.fdb.map((e) => e.port));
    expect(ports).toContain('veth1a2b3c4');
  });

  it('prints readable tables and, with --events, the change log', () => {
    const r = runCli(['analyze', '--events', capture('overlay-learn/overlay-underlay-h1.pcap')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('VXLAN tunnels');
    expect(r.stdout).toMatch(/4097\s+192\.0\.2\.\d\s+192\.0\.2\.\d\s+4789/);
    expect(r.stdout).toContain('Change log');
    expect(r.stdout).toContain('tunnel.new');
  });

  it('names containers beside MACs and IPs when docker network inspect is given, in every table', () => {
    const r = runCli(['analyze', '--topology', capture('napt/docker-network-inspect.json'), '--topology', capture('napt/truth-host-links.json'),
      capture('napt/napt-multi.pcapng')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^mac +name +port +vlan/m);
    expect(r.stdout).toMatch(/^02:42:ac:11:00:02 +c1 /m);
    expect(r.stdout).toMatch(/^172\.17\.0\.3 +02:42:ac:11:00:03 +c2 /m);
    expect(r.stdout).toMatch(/^udp +snat +c2 +172\.17\.0\.3:40000 > 198\.51\.100\.1:7 +198\.51\.100\.1:7 > 198\.51\.100\.2:38925/m);
    // without it, no name column at all
    expect(runCli(['analyze', capture('napt/napt-multi.pcapng')]).stdout).not.toMatch(/^mac +name/m);
  });

  it('says how many frames came later than the reordering window, which is shallower for a file of one interface', () => {
    // The last frame is 2,100 frames late (see lateFrameCapture).
    const dir = mkdtempSync(join(tmpdir(), 'dockshark-late-'));
    try {
      writeFileSync(join(dir, 'eth.pcap'), lateFrameCapture(1));
      writeFileSync(join(dir, 'any.pcap'), lateFrameCapture(276));
      const one = runCli(['analyze', join(dir, 'eth.pcap')]);
      expect(one.code).toBe(0);
      expect(one.stderr).toBe('dockshark: 1 frame arrived later than the reordering window (1 s / 256 frames) allowed and was analysed out of time order.\n');
      // `-i any` (SLL2): one capture interface for every device, whose frames come further out of order.
      const any = runCli(['analyze', join(dir, 'any.pcap')]);
      expect(any.code).toBe(0);
      expect(any.stderr).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('escapes what a broken topology file holds when quoting it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dockshark-topo-'));
    const file = join(dir, 'nat.txt');
    // iptables-save text with a broken line: the message quotes the line, escaped
    writeFileSync(file, '*nat\n\u001b[31mnot a rule\nCOMMIT\n');
    const r = runCli(['analyze', '--topology', file, capture('bridge/bridge-docker0.pcap')]);
    rmSync(dir, { recursive: true, force: true });
    expect(r.code).toBe(1);
    expect(r.stderr).not.toContain('\u001b');
    expect(r.stderr).toContain('line 2 ("\\u001b[31mnot a rule") is not a rule');
  });

  it('rejects a topology file in no format it reads, saying which it accepts', () => {
    const r = runCli(['analyze', '--topology', capture('README.md'), capture('bridge/bridge-docker0.pcap')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^dockshark: .*README\.md is not a topology file dockshark recognises; give the JSON of `docker network inspect`/);
  });
});
