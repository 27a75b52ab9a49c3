// The NAPT engine against the kernel's own connection tracking: captures/napt and
// captures/napt-collide hold `conntrack -L -o extended` taken before the captures
// stopped. Every translated entry must be rebuilt with the same original and reply
// tuples from every input form (the two-interface pcapng, the `-i any` SLL2 capture
// with and without the topology, the two single-interface pcaps merged by time), and
// nothing else may be reported. Disagreements are listed, with the reason, in
// napt-truth-exceptions.json; the test fails on an unlisted one and on a listed one
// that no longer happens.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NaptEngine } from '../../src/analysis/napt.js';
import type { Change } from '../../src/analysis/types.js';
import { runAnalysis } from '../../src/api/analysis-run.js';
import { asReportTuples, isTranslated, parseConntrack, translationOf, type ConntrackEntry } from '../helpers/conntrack.js';
import { capturesDir, repoRoot } from '../helpers/paths.js';

interface NatRow {
  proto: string;
  type: string;
  original: Record<string, string | number>;
  reply: Record<string, string | number>;
  inside: string | null;
  outside: string | null;
  firstFrame: number;
  lastFrame: number;
  packets: { original: number; reply: number };
}

interface Exception {
  scenario: string;
  /** Input form (see FORMS); all forms when omitted. */
  form?: string;
  /** 'missing' (a translated conntrack entry we do not report) or 'extra' (ours, not in conntrack). */
  problem: 'missing' | 'extra';
  /** The conntrack line, or our entry as JSON. */
  entry: string;
  reason: string;
}

const exceptions = (JSON.parse(readFileSync(resolve(repoRoot, 'test/analysis/napt-truth-exceptions.json'), 'utf8')) as { exceptions: Exception[] }).exceptions;
const usedExceptions = new Set<Exception>();

interface Form {
  name: string;
  files: string[];
  topology: string[];
  /** Interface names the report should carry for inside/outside (null when the capture does not name them). */
  named: boolean;
}

function formsOf(scenario: string): Form[] {
  const dir = resolve(capturesDir, scenario);
  const at = (f: string) => resolve(dir, f);
  return [
    { name: 'multi', files: [at(`${scenario}-multi.pcapng`)], topology: [], named: true },
    { name: 'any+topology', files: [at(`${scenario}-any.pcap`)], topology: [at('truth-host-links.json')], named: true },
    { name: 'any', files: [at(`${scenario}-any.pcap`)], topology: [], named: false },
    { name: 'docker0+eth0', files: [at(`${scenario}-docker0.pcap`), at(`${scenario}-eth0.pcap`)], topology: [], named: false },
  ];
}

function run(files: string[], topology: string[]): { rows: NatRow[]; events: Change[] } {
  const result = runAnalysis(files, (options) => [new NaptEngine(options)], { topologyFiles: topology });
  const report = result.pipeline.report();
  return { rows: report.nat as unknown as NatRow[], events: result.pipeline.events };
}

const key = (proto: string, original: object, reply: object) => JSON.stringify([proto, original, reply]);

/** Flow protocols only: conntrack's `unknown 2` (IGMP) entry and the like are not NAPT. */
function truthOf(scenario: string): ConntrackEntry[] {
  const text = readFileSync(resolve(capturesDir, scenario, 'truth-host-conntrack.txt'), 'utf8');
  return parseConntrack(text).filter((e) => e.proto === 'tcp' || e.proto === 'udp' || e.proto === 'icmp');
}

describe('conntrack parser', () => {
  it('reads tuples, state, flags and the conntrack id', () => {
    const [e] = parseConntrack('ipv4     2 tcp      6 119 TIME_WAIT src=172.17.0.3 dst=198.51.100.1 sport=45000 dport=80 src=198.51.100.1 dst=198.51.100.2 sport=80 dport=17238 [ASSURED] mark=0 use=1 id=1064748333');
    expect(e).toMatchObject({
      proto: 'tcp', protonum: 6, timeout: 119, state: 'TIME_WAIT', flags: ['ASSURED'], ctid: 1064748333,
      original: { src: '172.17.0.3', dst: '198.51.100.1', sport: 45000, dport: 80 },
      reply: { src: '198.51.100.1', dst: '198.51.100.2', sport: 80, dport: 17238 },
    });
    expect(isTranslated(e)).toBe(true);
    expect(translationOf(e)).toEqual({ snat: true, dnat: false });
  });

  it('keeps ICMP ids in the tuples apart from the conntrack id, and reads event lines', () => {
    const [icmp] = parseConntrack('ipv4     2 icmp     1 29 src=172.17.0.2 dst=198.51.100.1 type=8 code=0 id=4660 src=198.51.100.1 dst=198.51.100.2 type=0 code=0 id=37473 mark=0 use=1 id=160451767');
    expect(icmp.original).toEqual({ src: '172.17.0.2', dst: '198.51.100.1', type: 8, code: 0, id: 4660 });
    expect(icmp.reply).toEqual({ src: '198.51.100.1', dst: '198.51.100.2', type: 0, code: 0, id: 37473 });
    expect(icmp.ctid).toBe(160451767);
    const [ev] = parseConntrack('[1795387690.586426]\t    [NEW] ipv4     2 icmp     1 30 src=172.17.0.2 dst=198.51.100.1 type=8 code=0 id=4660 [UNREPLIED] src=198.51.100.1 dst=198.51.100.2 type=0 code=0 id=37473');
    expect(ev).toMatchObject({ event: 'NEW', time: 1795387690.586426, flags: ['UNREPLIED'], ctid: null });
    expect(ev.reply.id).toBe(37473);
  });

  it('tells untranslated entries (reply = mirror of original) from translated ones', () => {
    const [plain] = parseConntrack('ipv4     2 udp      17 27 src=10.0.0.1 dst=10.0.0.2 sport=1000 dport=53 src=10.0.0.2 dst=10.0.0.1 sport=53 dport=1000 mark=0 use=1');
    expect(isTranslated(plain)).toBe(false);
    const [igmp] = parseConntrack('ipv4     2 unknown  2 592 src=172.17.0.1 dst=224.0.0.22 [UNREPLIED] src=224.0.0.22 dst=172.17.0.1 mark=0 use=1');
    expect(igmp.proto).toBe('unknown');
    expect(isTranslated(igmp)).toBe(false);
  });
});

for (const scenario of ['napt', 'napt-collide']) {
  describe(`NAPT truth: captures/${scenario}`, () => {
    const truth = truthOf(scenario);
    const translated = truth.filter(isTranslated);
    const results = new Map<string, { rows: NatRow[]; events: Change[] }>();
    const resultOf = (form: Form) => {
      let r = results.get(form.name);
      if (!r) results.set(form.name, (r = run(form.files, form.topology)));
      return r;
    };

    it('has translated conntrack entries to check', () => {
      expect(translated.length).toBeGreaterThanOrEqual(6);
    });

    for (const form of formsOf(scenario)) {
      it(`${form.name}: every translated conntrack entry is rebuilt with the same tuples, and nothing else`, () => {
        const { rows } = resultOf(form);
        const ours = new Map(rows.map((r) => [key(r.proto, r.original, r.reply), r]));
        const problems: string[] = [];
        const explain = (problem: 'missing' | 'extra', entry: string): boolean => {
          const ex = exceptions.find((x) => x.scenario === scenario && (x.form === undefined || x.form === form.name) && x.problem === problem && x.entry === entry);
          if (ex) usedExceptions.add(ex);
          return ex !== undefined;
        };
        const theirs = new Set<string>();
        for (const entry of translated) {
          const t = asReportTuples(entry);
          const k = key(t.proto, t.original, t.reply);
          theirs.add(k);
          const row = ours.get(k);
          if (!row) {
            if (!explain('missing', entry.line)) problems.push(`missing: ${entry.line}`);
            continue;
          }
          const { dnat } = translationOf(entry);
          expect(row.type, entry.line).toBe(dnat ? 'dnat' : 'snat');
          expect(row.packets.original, entry.line).toBeGreaterThan(0);
          expect(row.packets.reply, entry.line).toBeGreaterThan(0); // every flow in these recordings was answered
          if (form.named) expect([row.inside, row.outside], entry.line).toEqual(['docker0', 'eth0']);
          else expect([row.inside, row.outside], entry.line).toEqual([null, null]);
        }
        for (const row of rows) {
          const k = key(row.proto, row.original, row.reply);
          if (!theirs.has(k) && !explain('extra', JSON.stringify(row))) problems.push(`extra: ${JSON.stringify(row)}`);
        }
        expect(problems).toEqual([]);
      });
    }

    it('every input form counts the same packets for each connection', () => {
      const forms = formsOf(scenario);
      const counts = (name: string) => {
        const { rows } = resultOf(forms.find((f) => f.name === name) as Form);
        return Object.fromEntries(rows.map((r) => [key(r.proto, r.original, r.reply), r.packets]));
      };
      const reference = counts('multi');
      for (const form of forms) expect(counts(form.name), form.name).toEqual(reference);
    });

    it('reports a remap exactly for the entries whose source port/id conntrack changed', () => {
      const { events } = resultOf(formsOf(scenario)[0]);
      const remaps = new Set(events.filter((e) => e.kind === 'nat.remap').map((e) => key(e.proto as string, e.original as object, e.reply as object)));
      const expected = new Set(translated.filter((e) => {
        const o = e.original;
        const r = e.reply;
        return e.proto === 'icmp' ? o.id !== r.id : o.sport !== r.dport;
      }).map((e) => {
        const t = asReportTuples(e);
        return key(t.proto, t.original, t.reply);
      }));
      expect(remaps).toEqual(expected);
      expect(expected.size).toBeGreaterThanOrEqual(1);
    });
  });
}

describe('NAPT truth: conntrack events (napt-collide)', () => {
  it('our nat.new events come in the order of conntrack\'s NEW events', () => {
    const text = readFileSync(resolve(capturesDir, 'napt-collide', 'truth-host-conntrack-events.txt'), 'utf8');
    const news = parseConntrack(text).filter((e) => e.event === 'NEW' && isTranslated(e)).map((e) => {
      const t = asReportTuples(e);
      return key(t.proto, t.original, t.reply);
    });
    expect(news.length).toBe(7);
    for (const form of formsOf('napt-collide')) {
      const { events } = run(form.files, form.topology);
      const ours = events.filter((e) => e.kind === 'nat.new').map((e) => key(e.proto as string, e.original as object, e.reply as object));
      expect(ours, form.name).toEqual(news);
    }
  });
});

describe('NAPT truth: nothing untranslated is reported as translated', () => {
  // Every other recording has no NAT (two-bridges and overlay-mtu route between
  // bridges without translation): the engine must find nothing there, in any form.
  const scenarios = readdirSync(capturesDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== 'napt' && d.name !== 'napt-collide')
    .map((d) => d.name)
    .sort();
  const cases = scenarios.flatMap((scenario) => {
    const dir = resolve(capturesDir, scenario);
    const files = readdirSync(dir).filter((f) => /\.pcap(ng)?$/.test(f)).sort().map((f) => resolve(dir, f));
    const links = readdirSync(dir).filter((f) => /^truth-.*-links\.json$/.test(f) && !f.includes('-before')).map((f) => resolve(dir, f));
    const single = files.map((f) => ({ name: `${scenario}/${f.slice(dir.length + 1)}`, files: [f], topology: links }));
    return [...single, { name: `${scenario}/(all files merged)`, files, topology: links }];
  });
  it.each(cases)('$name', ({ files, topology }) => {
    expect(files.every((f) => existsSync(f))).toBe(true);
    expect(run(files, topology).rows).toEqual([]);
  });
});

describe('NAPT truth: exceptions file', () => {
  it('lists no disagreement that no longer happens', () => {
    const stale = exceptions.filter((x) => !usedExceptions.has(x));
    expect(stale.map((x) => `${x.scenario} ${x.form ?? '*'} ${x.problem}: ${x.entry}`)).toEqual([]);
  });
});
