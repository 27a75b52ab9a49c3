// Parses `iptables-save -t nat` text (iptables 1.8, legacy or nf_tables: both print the
// same) into NAT rules: Docker's MASQUERADE per bridge subnet (`-s 172.17.0.0/16 ! -o
// docker0 -j MASQUERADE`) and a DNAT per published port (`! -i docker0 -p tcp -m tcp
// --dport 18080 -j DNAT --to-destination 172.17.0.2:80`), with each match's `!`.
// Other tables in a full `iptables-save` are skipped; options we do not model (`-m`
// modules, counters, comments) are ignored.

import { TopologyError, quote } from './errors.js';
import { Topology } from './model.js';
import type { NatMatch, NatRule } from './types.js';

const GIVE = 'the output of `iptables-save -t nat`';

/** Options known to take no value; any other option we do not model takes one unless an option follows it. */
const FLAGS = new Set(['--random', '--random-fully', '--persistent', '--fragment', '-f', '--syn', '--limit-iface-in', '--limit-iface-out']);

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export function parseIptablesNat(text: string, source: string): Topology {
  const rules: NatRule[] = [];
  let table: string | null = null;
  let sawNat = false;
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const line = raw.trim();
    const fail = (what: string): TopologyError => new TopologyError(`${source}: line ${i + 1} (${quote(line)}) ${what}; give ${GIVE}.`);
    if (line === '' || line.startsWith('#')) return;
    if (line.startsWith('*')) {
      table = line.slice(1).trim();
      if (!/^[a-z]+$/.test(table)) throw fail('does not name a table');
      if (table === 'nat') sawNat = true;
      return;
    }
    if (line === 'COMMIT') {
      if (table === null) throw fail('ends a table that never began');
      table = null;
      return;
    }
    if (table === null) throw fail('is outside a table (no `*nat` line before it)');
    if (line.startsWith(':')) {
      if (!/^:\S+ \S+( \[\d+:\d+\])?$/.test(line)) throw fail('is not a chain declaration');
      return;
    }
    if (!line.startsWith('-A ')) throw fail('is not a rule (`-A CHAIN ...`)');
    if (table !== 'nat') return;
    const tokens = tokenize(line);
    if (tokens === null) throw fail('has an unterminated quote');
    rules.push(ruleOf(tokens, line, i + 1, source, fail));
  });
  if (!sawNat) throw new TopologyError(`${source} is iptables-save output without a nat table; give ${GIVE}.`);
  return new Topology([], { nat: rules });
}

/** Words as iptables-save quotes them: "..." with backslash escapes (comments); null on an unterminated quote. */
function tokenize(line: string): string[] | null {
  const out: string[] = [];
  let word: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"') {
      word ??= '';
      for (i++; i < line.length && line[i] !== '"'; i++) word += line[i] === '\\' && i + 1 < line.length ? line[++i] : line[i];
      if (i >= line.length) return null;
    } else if (/\s/.test(c)) {
      if (word !== null) out.push(word);
      word = null;
    } else {
      word = (word ?? '') + c;
    }
  }
  if (word !== null) out.push(word);
  return out;
}

/** Options we read, which must have a value. */
const VALUED = new Set(['-p', '--protocol', '-s', '--source', '-d', '--destination', '-i', '--in-interface', '-o', '--out-interface',
  '--dport', '--destination-port', '--dports', '--destination-ports', '--sport', '--source-port', '--sports', '--source-ports',
  '--dst-type', '-j', '--jump', '-g', '--goto', '--to-destination', '--to-source', '--to-ports']);

function ruleOf(tokens: string[], text: string, line: number, file: string, fail: (what: string) => TopologyError): NatRule {
  const rule: Mutable<NatRule> = {
    chain: tokens[1] ?? '', target: null, protocol: null, source: null, destination: null, inInterface: null, outInterface: null,
    dport: null, sport: null, dstType: null, toDestination: null, toSource: null, toPorts: null, text, line, file,
  };
  if (rule.chain === '') throw fail('names no chain');
  let negated = false;
  for (let i = 2; i < tokens.length; i++) {
    const option = tokens[i];
    if (option === '!') {
      negated = true;
      continue;
    }
    if (!option.startsWith('-')) throw fail(`has ${quote(option)} where an option belongs`);
    let value = tokens[i + 1];
    if (!VALUED.has(option)) {
      // an option we do not model: it has a value unless an option (or nothing) follows
      if (FLAGS.has(option) || value === undefined || value === '!' || value.startsWith('-')) {
        negated = false;
        continue;
      }
    }
    if (value === undefined) throw fail(`has no value after ${option}`);
    i++;
    // iptables before 1.4.3 printed the ! after the option: `-s ! 10.0.0.0/8`
    if (value === '!' && tokens[i + 1] !== undefined) {
      negated = true;
      value = tokens[++i];
    }
    const match: NatMatch = { value, negated };
    negated = false;
    switch (option) {
      case '-p': case '--protocol': rule.protocol = match; break;
      case '-s': case '--source': rule.source = match; break;
      case '-d': case '--destination': rule.destination = match; break;
      case '-i': case '--in-interface': rule.inInterface = match; break;
      case '-o': case '--out-interface': rule.outInterface = match; break;
      case '--dport': case '--destination-port': case '--dports': case '--destination-ports':
        if (!/^\d+([:,]\d+)*$/.test(value)) throw fail(`has ${option} ${quote(value)}, which is not a port, range or list`);
        rule.dport = match;
        break;
      case '--sport': case '--source-port': case '--sports': case '--source-ports':
        if (!/^\d+([:,]\d+)*$/.test(value)) throw fail(`has ${option} ${quote(value)}, which is not a port, range or list`);
        rule.sport = match;
        break;
      case '--dst-type': rule.dstType = match; break;
      case '-j': case '--jump': case '-g': case '--goto': rule.target = value; break;
      case '--to-destination': rule.toDestination = value; break;
      case '--to-source': rule.toSource = value; break;
      case '--to-ports': rule.toPorts = value; break;
      default: break; // -m MODULE, --comment, --ctstate, ...: not part of the NAT model
    }
  }
  return rule;
}
