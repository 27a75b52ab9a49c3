// `dockshark stats`: the command's behaviour, and its numbers against tshark 4.0's
// `-z conv,...` and `-z endpoints,...` on every capture in captures/ and every public
// corpus capture with Ethernet or IP. A difference passes only when listed, with its
// reason, in stats-tshark-exceptions.json; a listed one that no longer happens fails.
import { readdirSync, readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { statsReport, STATS_LAYERS, type StatsReport } from '../../src/analysis/conversation-report.js';
import { collectStats } from '../../src/cli/stats-command.js';
import { compareStats, loadStatsExceptions, type StatsException } from '../helpers/compare-stats.js';
import { capturesDir, corpusDir, hasCorpus, noteCorpusSkip, repoRoot } from '../helpers/paths.js';
import { runCli, runCliAsync } from '../helpers/run-cli.js';
import { runTsharkStats, tsharkVersion } from '../helpers/tshark-conv.js';

const learn = resolve(capturesDir, 'overlay-learn/overlay-multi-h1.pcapng');

describe('dockshark stats', () => {
  it('prints one VXLAN tunnel per VNI and VTEP pair, whatever the outer source port', () => {
    const r = runCli(['stats', learn]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^66 frames$/m);
    expect(r.stdout).toContain('VXLAN tunnels');
    // 16 packets over 11 outer UDP source ports: one tunnel (tshark's UDP table shows 11 conversations).
    expect(r.stdout).toMatch(/^4097 +192\.0\.2\.1 +192\.0\.2\.2 +4789 +8 +1061 +8 +1033 +16 +2094 +0\.000000000 +3\.0879 +11$/m);
    expect(r.stdout).toMatch(/^10\.0\.1\.3:41000 +10\.0\.1\.2:9999 +4 +238 +0 +0 +4 +238 /m);
  });

  it('--json --layer keeps the layers asked for, endpoints only with --endpoints', () => {
    const r = runCli(['stats', '--json', '--layer', 'vxlan,ip', learn]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as StatsReport;
    expect(Object.keys(report)).toEqual(['frames', 'ip', 'vxlan']);
    expect(report.ip?.endpoints).toBeUndefined();
    expect(report.vxlan?.tunnels).toEqual([{
      vni: 4097, port: 4789, a: '192.0.2.1', b: '192.0.2.2', aToB: { frames: 8, bytes: 1061 }, bToA: { frames: 8, bytes: 1033 },
      frames: 16, bytes: 2094, start: 0, duration: 3.087949381, udpFlows: 11,
    }]);
    const withEndpoints = JSON.parse(runCli(['stats', '--json', '--endpoints', '--layer', 'udp', learn]).stdout) as StatsReport;
    expect(withEndpoints.udp?.endpoints?.[0]).toEqual({
      address: '192.0.2.2', port: 4789, frames: 8, bytes: 1061, tx: { frames: 0, bytes: 0 }, rx: { frames: 8, bytes: 1061 },
    });
  });

  it('refuses an unknown layer in one sentence, exit 2', () => {
    const r = runCli(['stats', '--layer', 'eth,arp', learn]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('dockshark: unknown layer "arp" for --layer: choose from eth, ip, ipv6, udp, tcp, vxlan.\n');
  });

  it('reports a file that is not a capture, or is missing, in one line without a stack', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dockshark-stats-'));
    try {
      const junk = join(dir, 'notes.txt');
      writeFileSync(junk, 'hello\n');
      const bad = runCli(['stats', junk]);
      expect(bad.code).toBe(2);
      expect(bad.stderr.trim().split('\n')).toHaveLength(1);
      expect(bad.stderr).toContain('not a pcap or pcapng file: starts with 68 65 6c 6c (looks like text');
      const missing = runCli(['stats', join(dir, 'absent.pcap')]);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(/^dockshark: Cannot open capture file .*absent\.pcap.*\n$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const tshark = tsharkVersion();
if (tshark === null) console.log('skipping the stats comparison with tshark: tshark is not installed (apt-get install tshark)');
const exceptions = loadStatsExceptions(resolve(repoRoot, 'test/cli/stats-tshark-exceptions.json'));

/** Our report for a file: what `stats --json --endpoints` prints (checked below), computed in-process to halve the run time. */
function ourReport(path: string, vxlanPorts: readonly number[] = []): StatsReport {
  return statsReport(collectStats([path], { vxlanPorts }).stats, { layers: STATS_LAYERS, endpoints: true });
}

/** The differences of one capture that no exception explains; marks the exceptions used. */
async function unexplained(name: string, path: string, used: Set<StatsException>, vxlanPorts: readonly number[] = []): Promise<string[]> {
  const theirs = await runTsharkStats(path, vxlanPorts);
  const out: string[] = [];
  for (const p of compareStats(ourReport(path, vxlanPorts), theirs)) {
    const e = exceptions.find((x) => x.file === name && x.table === p.table && (x.key === undefined || x.key === p.key));
    if (e === undefined) out.push(p.text);
    else used.add(e);
  }
  return out;
}

function staleCheck(names: readonly string[], used: Set<StatsException>): void {
  it('lists no exception that no longer happens', () => {
    const stale = exceptions.filter((e) => names.includes(e.file) && !used.has(e));
    expect(stale.map((e) => `${e.file} ${e.table} ${e.key ?? ''}: ${e.reason}`)).toEqual([]);
  });
}

const captures = readdirSync(capturesDir, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) => readdirSync(join(capturesDir, d.name)).filter((f) => /\.pcap(ng)?$/.test(f)).map((f) => `${d.name}/${f}`))
  .sort();

describe.skipIf(tshark === null)('stats agrees with tshark on captures/', () => {
  const used = new Set<StatsException>();
  it('finds the captures', () => expect(captures.length).toBeGreaterThanOrEqual(40));
  it.concurrent.each(['overlay-learn/overlay-underlay-h1.pcap', 'napt/napt-multi.pcapng'])('the CLI prints the report compared: %s', async (name) => {
    const r = await runCliAsync(['stats', '--json', '--endpoints', resolve(capturesDir, name)]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(ourReport(resolve(capturesDir, name)));
  });
  it.concurrent.each(captures)('%s', { timeout: 60_000 }, async (name) => {
    const problems = await unexplained(name, resolve(capturesDir, name), used);
    expect(problems, problems.join('\n')).toEqual([]);
  });
  // Flannel's port: tshark decodes it as VXLAN only when told (-d), as we do with --vxlan-port.
  it.concurrent.each(captures.filter((c) => c.startsWith('overlay-8472/')))('%s with VXLAN on 8472', { timeout: 60_000 }, async (name) => {
    const problems = await unexplained(name, resolve(capturesDir, name), used, [8472]);
    expect(problems, problems.join('\n')).toEqual([]);
  });
  staleCheck(captures, used);
});

/** Corpus captures with frames and an Ethernet or IP layer (MANIFEST.tsv's protocol counts). */
function corpusFiles(): string[] {
  const [header, ...rows] = readFileSync(resolve(corpusDir, 'MANIFEST.tsv'), 'utf8').trim().split('\n').map((l) => l.split('\t'));
  const file = header.indexOf('file');
  const protocols = header.indexOf('protocols');
  return rows.filter((r) => /(^|\s)(eth|ip|ipv6):[1-9]/.test(r[protocols])).map((r) => r[file]).sort();
}

describe.skipIf(tshark === null || !hasCorpus)('stats agrees with tshark on the public corpus', () => {
  noteCorpusSkip('the stats comparison with tshark on the public corpus');
  const files = hasCorpus ? corpusFiles() : [];
  const used = new Set<StatsException>();
  it.concurrent.each(files)('%s', { timeout: 60_000 }, async (name) => {
    const problems = await unexplained(name, resolve(corpusDir, name), used);
    expect(problems, problems.join('\n')).toEqual([]);
  });
  staleCheck(files, used);
});

afterAll(() => {
  if (tshark !== null) console.log(`compared with tshark ${tshark}`);
});
