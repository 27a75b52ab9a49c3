// The ARP engine against the kernel's neighbour tables (`ip -j neigh`, one file per
// network namespace) recorded with every scenario in captures/. For each capture file
// and each namespace, every IPv4 neighbour entry with a link-layer address whose IP
// was seen in ARP in that capture must map to the same MAC in our table. Entries
// without lladdr (FAILED/INCOMPLETE) and IPv6 ones are out of scope; IPs the capture
// never saw in ARP (resolved before it started) cannot be checked and are skipped.
//
// Truth taken at the end is compared with the final table; recreate's point-in-time
// truths (-before, -stale) with the table as it was just before the event that
// followed the named phase in events.txt (the engine is cloned there: replay
// checkpoints).
//
// Disagreements are listed with the reason in arp-truth-exceptions.json: the test
// fails on an unlisted one and on a listed one that no longer happens.
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ArpEngine } from '../../src/analysis/arp-table.js';
import type { AnalysisFrame, Change, Engine } from '../../src/analysis/types.js';
import { runAnalysis } from '../../src/api/analysis-run.js';
import type { JsonValue } from '../../src/decode/index.js';
import { capturesDir, repoRoot } from '../helpers/paths.js';

interface NeighEntry {
  dst: string;
  dev?: string;
  lladdr?: string;
  state?: string[];
}

interface Exception {
  scenario: string;
  /** Capture file name; all files of the scenario when omitted. */
  file?: string;
  /** The truth file, e.g. truth-c1-neigh.json. */
  truth: string;
  ip: string;
  kernel: string;
  ours: string;
  reason: string;
}

const exceptions = (JSON.parse(readFileSync(resolve(repoRoot, 'test/analysis/arp-truth-exceptions.json'), 'utf8')) as { exceptions: Exception[] }).exceptions;
const usedExceptions = new Set<Exception>();

/** Steps an ArpEngine and keeps clones of it at given times (unix seconds). */
class Checkpoints implements Engine {
  readonly name = 'arp';
  readonly saved = new Map<string, ArpEngine>();
  private next = 0;
  constructor(readonly arp: ArpEngine, private readonly at: { label: string; time: number }[]) {}
  step(frame: AnalysisFrame, out: Change[]): void {
    const t = frame.tsSec + frame.tsNsec / 1e9;
    while (this.next < this.at.length && this.at[this.next].time <= t) this.saved.set(this.at[this.next++].label, this.arp.clone());
    this.arp.step(frame, out);
  }
  finish(): void {
    while (this.next < this.at.length) this.saved.set(this.at[this.next++].label, this.arp.clone());
  }
  report(): JsonValue {
    return this.arp.report();
  }
  clone(): Engine {
    return new Checkpoints(this.arp.clone(), this.at);
  }
}

/** Point-in-time truths: truth-<ns>-neigh-<phase>.json is taken after the events.txt line naming the phase, before the next one. */
const PHASES: Record<string, string> = { before: 'phase1', stale: 'stale neighbour' };

function phaseTimes(dir: string): { label: string; time: number }[] {
  let lines: string[] = [];
  try {
    lines = readFileSync(resolve(dir, 'events.txt'), 'utf8').split('\n').filter((l) => l.trim() !== '');
  } catch {
    return [];
  }
  const out: { label: string; time: number }[] = [];
  for (const [label, needle] of Object.entries(PHASES)) {
    const at = lines.findIndex((l) => l.includes(needle));
    if (at < 0 || at + 1 >= lines.length) continue;
    out.push({ label, time: Number(lines[at + 1].split(' ')[0]) });
  }
  return out.sort((a, b) => a.time - b.time);
}

interface TruthFile {
  name: string;
  /** Checkpoint label, or 'final'. */
  when: string;
  entries: NeighEntry[];
}

function truthFiles(dir: string): TruthFile[] {
  return readdirSync(dir)
    .filter((f) => /^truth-.+-neigh(-[a-z]+)?\.json$/.test(f))
    .sort()
    .map((name) => {
      const phase = /-neigh-([a-z]+)\.json$/.exec(name)?.[1];
      const when = phase === undefined || phase === 'after' ? 'final' : phase;
      return { name, when, entries: JSON.parse(readFileSync(resolve(dir, name), 'utf8')) as NeighEntry[] };
    });
}

const scenarios = readdirSync(capturesDir, { withFileTypes: true })
  .filter((d) => d.isDirectory() && truthFiles(resolve(capturesDir, d.name)).length > 0)
  .map((d) => d.name)
  .sort();

interface FileResult {
  table: Map<string, string>;
  at: Map<string, Map<string, string>>;
  events: Change[];
}

function runFile(path: string, times: { label: string; time: number }[]): FileResult {
  let checkpoints: Checkpoints | null = null;
  const result = runAnalysis([path], (options) => {
    checkpoints = new Checkpoints(new ArpEngine(options), times);
    return [checkpoints];
  });
  const cp = checkpoints as unknown as Checkpoints;
  cp.finish();
  const asMap = (engine: ArpEngine) => new Map((engine.report() as { ip: string; mac: string }[]).map((e) => [e.ip, e.mac]));
  return {
    table: asMap(cp.arp),
    at: new Map([...cp.saved].map(([label, engine]) => [label, asMap(engine)])),
    events: result.pipeline.events,
  };
}

describe('ARP truth: our table agrees with the kernel neighbour tables', () => {
  const compared = new Map<string, number>();
  for (const scenario of scenarios) {
    const dir = resolve(capturesDir, scenario);
    const files = readdirSync(dir).filter((f) => /\.pcap(ng)?$/.test(f)).sort();
    const truths = truthFiles(dir);
    const times = phaseTimes(dir);
    it.each(files)(`${scenario}/%s`, (file) => {
      const result = runFile(resolve(dir, file), times);
      const problems: string[] = [];
      for (const truth of truths) {
        const table = truth.when === 'final' ? result.table : result.at.get(truth.when);
        expect(table, `${truth.name}: no checkpoint '${truth.when}' in events.txt`).toBeDefined();
        for (const entry of truth.entries) {
          if (entry.lladdr === undefined || entry.dst.includes(':')) continue; // FAILED/INCOMPLETE, IPv6
          if ((entry.state ?? []).some((s) => s === 'FAILED' || s === 'INCOMPLETE')) continue;
          const ours = table!.get(entry.dst);
          if (ours === undefined) continue; // not seen in ARP in this capture
          compared.set(scenario, (compared.get(scenario) ?? 0) + 1);
          const kernel = entry.lladdr.toLowerCase();
          if (ours === kernel) continue;
          const ex = exceptions.find((x) => x.scenario === scenario && (x.file === undefined || x.file === file) &&
            x.truth === truth.name && x.ip === entry.dst && x.kernel === kernel && x.ours === ours);
          if (ex) usedExceptions.add(ex);
          else problems.push(`${truth.name}: ${entry.dst} kernel ${kernel} (${(entry.state ?? []).join(',')}), ours ${ours}`);
        }
      }
      expect(problems).toEqual([]);
    });
  }

  it('compared at least one neighbour entry in every scenario', () => {
    const none = scenarios.filter((s) => !compared.has(s));
    expect(none).toEqual([]);
  });
});

describe('ARP truth: recreate (c2 recreated with a new MAC on the same IP)', () => {
  const dir = resolve(capturesDir, 'recreate');
  const files = readdirSync(dir).filter((f) => /\.pcap(ng)?$/.test(f)).sort();
  it.each(files)('%s: one arp.changed 02:42:ac:11:00:03 -> 02:42:ac:11:aa:03 at the gratuitous ARP, no duplicate', (file) => {
    const { events, table, at } = runFile(resolve(dir, file), phaseTimes(dir));
    const changes = events.filter((e) => e.kind !== 'arp.new');
    expect(changes.map(({ frame: _frame, ...rest }) => rest)).toEqual([
      { kind: 'arp.changed', ip: '172.17.0.3', mac: '02:42:ac:11:aa:03', previous: '02:42:ac:11:00:03', gratuitous: true },
    ]);
    expect(table.get('172.17.0.3')).toBe('02:42:ac:11:aa:03');
    expect(at.get('before')?.get('172.17.0.3')).toBe('02:42:ac:11:00:03');
    expect(at.get('stale')?.get('172.17.0.3')).toBe('02:42:ac:11:00:03');
  });
});

describe('ARP truth: exceptions file', () => {
  it('lists no disagreement that no longer happens', () => {
    const stale = exceptions.filter((x) => !usedExceptions.has(x));
    expect(stale.map((x) => `${x.scenario} ${x.file ?? '*'} ${x.truth} ${x.ip}`)).toEqual([]);
  });
});
