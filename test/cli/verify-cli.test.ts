// `dockshark verify` (the real CLI) on every recorded capture against the kernel's tables
// recorded beside it, with and without the host's link dump as topology. It must exit 0
// (no difference) everywhere except the differences listed here with their reason; the
// same disagreements are explained at length in test/analysis/fdb-truth-exceptions.json.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { capturesDir } from '../helpers/paths.js';
import { runCli } from '../helpers/run-cli.js';

interface Expected { capture: string; topology: boolean; differ: string[]; reason: string }

const EXPECTED_DIFFERENCES: Expected[] = [
  { capture: 'napt/napt-multi.pcapng', topology: false, differ: ['16:2e:a7:03:c9:ec'],
    reason: 'docker0\'s own MAC: without a topology, frames docker0 itself sends look learned (the capture has none of its ports)' },
  { capture: 'napt-collide/napt-collide-multi.pcapng', topology: false, differ: ['02:42:5e:1d:00:01'],
    reason: 'the same: docker0\'s own MAC, taken for a learned one without a topology' },
  { capture: 'recreate/recreate-any.pcap', topology: true, differ: ['02:42:ac:11:00:03'],
    reason: 'c2\'s first MAC: the kernel flushed it when c2\'s veth was deleted; no frame says the port went away' },
  { capture: 'recreate/recreate-multi.pcapng', topology: true, differ: ['02:42:ac:11:00:03'], reason: 'the same flush' },
  { capture: 'recreate/recreate-multi.pcapng', topology: false, differ: ['02:42:ac:11:aa:03'],
    reason: 'the recreated c2 is seen on docker0 only (its new veth is not in the capture), so without a topology it looks like the host' },
];

interface Run { scenario: string; capture: string; topology: string[]; kernel: string[] }

/** Every capture of every scenario with kernel tables, against the tables taken when it stopped. */
function runs(): Run[] {
  const out: Run[] = [];
  for (const scenario of readdirSync(capturesDir).sort()) {
    const dir = join(capturesDir, scenario);
    if (!existsSync(join(dir, 'capture-stats.txt'))) continue;
    const files = readdirSync(dir).sort();
    const host = files.includes('truth-h1-links.json') ? 'h1' : 'host';
    const links = scenario === 'recreate' ? ['truth-host-links-before.json', 'truth-host-links.json'] : [`truth-${host}-links.json`];
    if (!links.every((l) => files.includes(l))) continue;
    // The tables taken at the end: recreate's point-in-time ones (-before, -deleted, -stale) are not
    const atEnd = (f: string) => !/-(before|deleted|stale|events|id)\./.test(f);
    const kernel = files.filter((f) => atEnd(f) && (new RegExp(`^truth-${host}-.*fdb(-after)?\\.json$`).test(f)
      || new RegExp(`^truth-(${host}|c\\d)-neigh(-after)?\\.json$`).test(f) || f === `truth-${host}-conntrack.txt`));
    for (const capture of files.filter((f) => /\.pcap(ng)?$/.test(f))) {
      out.push({ scenario, capture, topology: links, kernel });
      out.push({ scenario, capture, topology: [], kernel });
    }
  }
  return out;
}

const all = runs();

describe('dockshark verify on the recorded captures', () => {
  it('covers every scenario with a host link dump and kernel tables', () => {
    expect(new Set(all.map((r) => r.scenario))).toEqual(new Set(['bridge', 'napt', 'napt-collide', 'overlay-8472', 'overlay-learn', 'overlay-mtu',
      'overlay-pmtu-bridged', 'overlay-static', 'recreate', 'two-bridges', 'userbridge']));
    expect(all.length).toBeGreaterThan(60);
  });

  it.each(all.map((r) => [`${r.scenario}/${r.capture}${r.topology.length ? '' : ' (no topology)'}`, r] as const))('%s', (_name, r) => {
    const at = (f: string) => join(capturesDir, r.scenario, f);
    const args = ['verify', at(r.capture), '--json', '--vxlan-port', '8472', ...r.topology.flatMap((t) => ['--topology', at(t)]),
      ...r.kernel.flatMap((k) => ['--kernel', at(k)])];
    const result = runCli(args);
    const parsed = JSON.parse(result.stdout) as { agree: number; differ: number; findings: { verdict: string; key: string }[] };
    const expected = EXPECTED_DIFFERENCES.find((e) => e.capture === `${r.scenario}/${r.capture}` && e.topology === (r.topology.length > 0));
    expect(parsed.findings.filter((f) => f.verdict === 'differ').map((f) => f.key)).toEqual(expected?.differ ?? []);
    expect(result.code).toBe(expected ? 1 : 0);
    expect(parsed.agree).toBeGreaterThan(0);
  });
});

describe('dockshark verify, text and errors', () => {
  it('prints each table with its verdicts and a summary line', () => {
    const at = (f: string) => join(capturesDir, 'napt', f);
    const r = runCli(['verify', at('napt-multi.pcapng'), '--topology', at('truth-host-links.json'),
      '--kernel', at('truth-host-docker0-fdb.json'), '--kernel', at('truth-host-conntrack.txt')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Bridge FDB: ${at('truth-host-docker0-fdb.json')}`);
    expect(r.stdout).toMatch(/^agree +udp +udp 172\.17\.0\.3:40000 > 198\.51\.100\.1:7 +reply 198\.51\.100\.1:7 > 198\.51\.100\.2:38925 +reply 198\.51\.100\.1:7 > 198\.51\.100\.2:38925/m);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('verify: 8 agree, 0 differ, 0 unchecked (the capture cannot tell).');
  });

  it('needs --kernel, and kernel files with tables in them, saying so in one sentence (exit 2)', () => {
    const capture = join(capturesDir, 'napt', 'napt-multi.pcapng');
    const none = runCli(['verify', capture]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^dockshark: verify needs the kernel's tables: give --kernel FILE/);
    const links = runCli(['verify', capture, '--kernel', join(capturesDir, 'napt', 'truth-host-links.json')]);
    expect(links.code).toBe(2);
    expect(links.stderr).toMatch(/hold no FDB, neighbour or conntrack entries/);
  });
});
