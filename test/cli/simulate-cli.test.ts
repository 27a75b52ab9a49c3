// `dockshark simulate` and `dockshark diff` through the built CLI. The simulation is
// checked against the kernel: for each recorded lab scenario, captures/<scenario>/
// simulate.yaml describes the lab's topology with its real names, MACs and addresses,
// the same traffic the lab drove is simulated on the interfaces the lab captured, and
// `diff` against the real recording must agree. The only things left out are what a
// simulation cannot know, and diff says so in its last line: timestamps, ICMP echo
// identifiers, the client's ephemeral source port and the value of a remapped NAT port
// (whether it was remapped IS compared), and IPv6 housekeeping frames (router and
// neighbour discovery, MLD) the kernel sends on its own.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { capturesDir, cliPath } from '../helpers/paths.js';

const dir = mkdtempSync(join(tmpdir(), 'dockshark-sim-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const hasTshark = spawnSync('tshark', ['-v'], { encoding: 'utf8' }).status === 0;

interface Scenario {
  name: string;
  recording: string;
  interfaces: string[];
  runs: string[];
  /** extra `dockshark diff` options (the recording's VXLAN port when it is not 4789) */
  diffArgs?: string[];
  /** what simulate says on standard error about traffic that went nowhere */
  notes?: string[];
}

const LARGE_PINGS = [
  'c1 ping c2', 'c1 ping c2 count 2 interval 0.3 size 1472 pmtu dont', 'c1 ping c2 count 3 interval 0.3 size 1472 pmtu do',
  'c1 ping c2 count 2 interval 0.3 size 1472 pmtu dont',
];
// the second and third DF pings, after c1 learnt the path MTU: ping says "message too long"
const REFUSED = Array(2).fill('c1: a 1500-byte packet to 10.0.1.3 does not fit the path MTU 1450 and may not be fragmented: not sent (message too long).');

const SCENARIOS: Scenario[] = [
  {
    name: 'napt',
    recording: 'napt/napt-multi.pcapng',
    interfaces: ['docker0', 'host:eth0'],
    runs: ['c1 ping wan count 3 interval 0.3', 'c2 ping wan count 2 interval 0.3', 'c1 udp wan:7 sport 40000',
      'c2 udp wan:7 sport 40000', 'wan udp host:8080 data inbound-udp', 'wan tcp host:8081 data inbound-tcp'],
  },
  {
    name: 'napt-collide',
    recording: 'napt-collide/napt-collide-multi.pcapng',
    interfaces: ['docker0', 'host:eth0'],
    // the lab ran c1's ping in the background and c2's was seen first: c2 keeps id 4660
    runs: ['c1 udp wan:7 sport 40000', 'c2 udp wan:7 sport 40000', 'c3 udp wan:7 sport 40000',
      'c1 tcp wan:80 sport 45000 data tcp-from-c1', 'c2 tcp wan:80 sport 45000 data tcp-from-c2',
      'c2 ping wan id 4660 count 3 interval 0.3', 'c1 ping wan id 4660 count 3 interval 0.3'],
  },
  {
    name: 'bridge',
    recording: 'bridge/bridge-multi.pcapng',
    interfaces: [],
    runs: ['c1 ping c2 count 3 interval 0.3', 'c3 ping 172.17.0.1 count 2 interval 0.3', 'c2 udp c3:9999 sport 40001 data hello'],
  },
  {
    name: 'userbridge',
    recording: 'userbridge/bridge-multi.pcapng',
    interfaces: [],
    runs: ['c1 ping c2 count 3 interval 0.3', 'c3 ping 172.17.0.1 count 2 interval 0.3', 'c2 udp c3:9999 sport 40001 data hello'],
  },
  {
    name: 'overlay-learn',
    recording: 'overlay-learn/overlay-multi-h1.pcapng',
    interfaces: ['h1:eth0', 'h1:br0', 'h1:vxlan0', 'veth0c1'],
    runs: ['c1 ping c2 count 3 interval 0.3', 'c2 udp c1:9999 sport 41000 data over'],
  },
  {
    name: 'two-bridges',
    recording: 'two-bridges/two-bridges-multi.pcapng',
    interfaces: [],
    runs: ['c1 ping c3 count 3 interval 0.3', 'c4 ping c2 count 2 interval 0.3', 'c1 ping c2 count 2 interval 0.3',
      'c3 udp c1:9999 sport 42000 data cross'],
  },
  {
    name: 'overlay-static',
    recording: 'overlay-static/overlay-multi-h1.pcapng',
    interfaces: ['h1:eth0', 'h1:br0', 'h1:vxlan0', 'veth0c1'],
    runs: ['c1 ping c2 count 3 interval 0.3', 'c2 udp c1:9999 sport 41000 data over'],
  },
  {
    name: 'overlay-8472',
    recording: 'overlay-8472/overlay8472-multi-h1.pcapng',
    interfaces: ['h1:eth0', 'h1:br0', 'h1:vxlan0', 'veth0c1'],
    runs: ['c1 ping c2 count 3 interval 0.3', 'c2 udp c1:9999 sport 41000 data over8472'],
    // without it the underlay is plain UDP on both sides and the tunnel facts are not compared
    diffArgs: ['--vxlan-port', '8472'],
  },
  {
    // h1 routes c1's pings into a 1450-byte overlay: fragments them, or ICMP fragmentation needed with DF
    name: 'overlay-mtu',
    recording: 'overlay-mtu/overlay-mtu-multi-h1.pcapng',
    interfaces: ['h1:eth0', 'h1:br0', 'h1:vxlan0', 'docker0', 'veth9c1d2e3'],
    runs: LARGE_PINGS,
    notes: REFUSED,
  },
  {
    // a 1500-byte overlay on a 1500-byte underlay: outer fragments, the vxlan driver's own ICMP with DF
    name: 'overlay-pmtu-bridged',
    recording: 'overlay-pmtu-bridged/pmtu-multi-h1.pcapng',
    interfaces: ['h1:eth0', 'h1:br0', 'h1:vxlan0', 'veth0c1'],
    runs: LARGE_PINGS,
    notes: REFUSED,
  },
];

function simulateScenario(s: Scenario): string {
  const out = join(dir, `${s.name}.pcapng`);
  const r = cli(['simulate', join(capturesDir, s.name, 'simulate.yaml'), '-w', out,
    ...s.interfaces.flatMap((i) => ['-i', i]), ...s.runs.flatMap((c) => ['--run', c])]);
  expect(r.stderr).toBe((s.notes ?? []).map((n) => `dockshark: ${n}\n`).join(''));
  expect(r.code).toBe(0);
  return out;
}

describe('dockshark simulate vs the kernel recordings', () => {
  it.each(SCENARIOS)('$name: the simulation agrees with the recording', (s) => {
    const sim = simulateScenario(s);
    const r = cli(['diff', join(capturesDir, s.recording), sim, ...(s.diffArgs ?? [])]);
    expect(r.stdout).toMatch(/^diff: \d+ agree, 0 differ\. Ignored: timestamps and frame numbers, ICMP echo identifiers, .*IPv6 housekeeping/m);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(r.code).toBe(0);
  });

  it.each(SCENARIOS)('$name: the output opens with analyze, and tshark finds nothing malformed', (s) => {
    const sim = simulateScenario(s);
    const analyze = cli(['analyze', sim]);
    expect(analyze.code).toBe(0);
    expect(analyze.stderr).toBe('');
    if (!hasTshark) return;
    // per interface: the same TCP segment on two interfaces of one file looks like a retransmission to tshark
    const r = spawnSync('tshark', ['-r', sim, '-o', 'ip.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE',
      '-z', 'expert', '-q'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).not.toMatch(/malformed|checksum|Error|Warning/i);
  });
});

describe('dockshark simulate to classic pcaps', () => {
  const runs = ['c1 ping lan count 2 interval 0.3', 'c2 ping lan count 2 interval 0.3', 'lan ping c1'];
  const simulateOne = (point: string, file: string) => cli(['simulate', join(capturesDir, 'macvlan/simulate.yaml'), '-i', point, '-w', file,
    ...runs.flatMap((c) => ['--run', c])]);

  it('macvlan: one unnamed pcap per capture point, as the lab\'s tcpdumps wrote, agrees with the recording', () => {
    const parent = join(dir, 'macvlan-parent.pcap');
    const lan = join(dir, 'macvlan-lan.pcap');
    expect(simulateOne('host:eth0', parent)).toMatchObject({ code: 0, stderr: '', stdout: expect.stringMatching(/14 frames on 1 interface \(eth0\)/) });
    expect(simulateOne('lan:eth0', lan).code).toBe(0);
    const recorded = ['macvlan-parent.pcap', 'macvlan-lan.pcap'].map((f) => join(capturesDir, 'macvlan', f)).join(',');
    const r = cli(['diff', recorded, `${parent},${lan}`]);
    expect(r.stdout).toMatch(/^diff: [1-9]\d* agree, 0 differ\./m);
    expect(r.code).toBe(0);
    // tshark reads it as a nanosecond pcap with the same frames
    if (hasTshark) {
      const t = spawnSync('tshark', ['-r', parent, '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8' });
      expect(t.stdout.trim().split('\n')).toHaveLength(14);
    }
  });

  it('refuses a classic pcap for several interfaces', () => {
    const r = cli(['simulate', join(capturesDir, 'macvlan/simulate.yaml'), '-i', 'host:eth0', '-i', 'lan:eth0', '-w', join(dir, 'two.pcap'), '--run', runs[0]]);
    expect(r).toMatchObject({ code: 2, stderr: expect.stringMatching(/^dockshark: a classic pcap holds one interface, and 2 are selected .*pick one with -i, or write a \.pcapng\.\n$/) });
  });
});

describe('dockshark diff', () => {
  it('reports each difference in one line and exits 1', () => {
    const s = SCENARIOS[0];
    const sim = simulateScenario({ ...s, runs: s.runs.slice(0, 2) });
    const r = cli(['diff', join(capturesDir, s.recording), sim]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^extra NAT translation: udp snat 172\.17\.0\.2 > 198\.51\.100\.1:7, reply 198\.51\.100\.1:7 > 198\.51\.100\.2, source port kept \(docker0 -> eth0\) \(observed, not expected\)$/m);
    expect(r.stdout).toMatch(/^diff: \d+ agree, [1-9]\d* differ\./m);
  });

  it('compares MTU trouble: without the DF pings, the injected ICMP is extra in the recording', () => {
    const s = SCENARIOS.find((x) => x.name === 'overlay-pmtu-bridged') as Scenario;
    const sim = simulateScenario({ ...s, runs: s.runs.filter((r) => !r.includes('pmtu do')), notes: [] });
    const r = cli(['diff', join(capturesDir, s.recording), sim]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^extra VXLAN MTU trouble: frag-needed vni - 10\.0\.1\.3 > 10\.0\.1\.3 mtu 1450, 1 time \(observed, not expected\)$/m);
  });

  it.each(SCENARIOS)('$name: compares the trace with a topology\'s prediction (EXPECTED a simulate YAML and --run)', (s) => {
    const r = cli(['diff', join(capturesDir, s.recording), join(capturesDir, s.name, 'simulate.yaml'),
      ...s.interfaces.flatMap((i) => ['-i', i]), ...s.runs.flatMap((c) => ['--run', c])]);
    expect(r.stdout).toMatch(/^diff: \d+ agree, 0 differ\./m);
    expect(r.code).toBe(0);
    if (s.diffArgs === undefined) return;
    // the topology's own VXLAN ports are decoded without --vxlan-port: as many facts agree as with it
    const agreed = (text: string): number => Number(/^diff: (\d+) agree/m.exec(text)?.[1] ?? -1);
    const withPorts = cli(['diff', join(capturesDir, s.recording), join(capturesDir, s.name, 'simulate.yaml'), ...s.diffArgs,
      ...s.interfaces.flatMap((i) => ['-i', i]), ...s.runs.flatMap((c) => ['--run', c])]);
    expect(agreed(r.stdout)).toBe(agreed(withPorts.stdout));
  });

  it('says what a prediction for less traffic lacks, and asks for the traffic when none is given', () => {
    // a prediction for less traffic than the capture holds: the rest is extra, exit 1
    const napt = SCENARIOS[0];
    const less = cli(['diff', join(capturesDir, napt.recording), join(capturesDir, 'napt/simulate.yaml'), '-i', 'docker0', '-i', 'host:eth0',
      '--run', napt.runs[0]]);
    expect(less.code).toBe(1);
    expect(less.stdout).toMatch(/^extra NAT translation: tcp dnat 198\.51\.100\.1 > 198\.51\.100\.2:8081/m);
    const none = cli(['diff', join(capturesDir, napt.recording), join(capturesDir, 'napt/simulate.yaml')]);
    expect(none).toMatchObject({ code: 2, stderr: expect.stringMatching(/^dockshark: diff against a topology needs the traffic to simulate: give --run/) });
  });

  it('merges comma-separated files (NAT needs both sides, so the merge shows in the count)', () => {
    const both = `${join(capturesDir, 'napt/napt-docker0.pcap')},${join(capturesDir, 'napt/napt-eth0.pcap')}`;
    const merged = cli(['diff', both, both]);
    const single = cli(['diff', join(capturesDir, 'napt/napt-docker0.pcap'), join(capturesDir, 'napt/napt-docker0.pcap')]);
    const agreed = (text: string): number => Number(/^diff: (\d+) agree, 0 differ/m.exec(text)?.[1] ?? -1);
    expect(merged.code).toBe(0);
    expect(agreed(merged.stdout)).toBeGreaterThan(agreed(single.stdout) + 5);
  });
});

describe('dockshark simulate errors', () => {
  it('prints a malformed topology in one sentence', () => {
    const r = cli(['simulate', join(capturesDir, 'napt/napt-eth0.pcap'), '-w', join(dir, 'x.pcapng')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^dockshark: .*\.\n$/);
  });

  it('rejects a bad --run and an unknown node', () => {
    const yaml = join(capturesDir, 'napt/simulate.yaml');
    expect(cli(['simulate', yaml, '--run', 'c1 fly wan', '-w', join(dir, 'x.pcapng')])).toMatchObject({ code: 2, stderr: expect.stringMatching(/unknown action "fly"/) });
    expect(cli(['simulate', yaml, '--run', 'c9 ping wan', '-w', join(dir, 'x.pcapng')])).toMatchObject({ code: 2, stderr: expect.stringMatching(/c9 is not a host, container or peer/) });
  });
});
