// Reading JSON dumps (docker and iproute2 `-j`, and compose files once YAML-parsed)
// without trusting them: every field we read is checked against the type the tool
// prints, and a wrong one is reported as a sentence naming the file, the entry and the
// field. Fields we do not read are ignored.

import { TopologyError, kindOf, quote } from './errors.js';
import { canonicalMac, parseAddressWithPrefix } from './ip.js';
import type { PrefixedAddress } from './types.js';

export type JsonObject = { readonly [key: string]: unknown };

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The parsed JSON of `text`, or a TopologyError saying where it stops being JSON.
 * The position comes from V8's message when it has one; the message itself is not
 * repeated since it quotes the file's bytes.
 */
export function parseJson(text: string, source: string, give: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const at = /position (\d+)/.exec(e instanceof Error ? e.message : '');
    const where = at ? ` (${lineColumn(text, Number(at[1]))})` : text.trim() === '' ? ' (it is empty)' : '';
    throw new TopologyError(`${source} is not valid JSON${where}; give ${give}.`);
  }
}

function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${before[before.length - 1].length + 1}`;
}

/**
 * Typed access to the fields of one JSON object, failing with a sentence like
 * `x.json: network 2 ("bridge") has "Driver" set to the number 5 where a string belongs; give the output of `docker network inspect`.`
 */
export class Fields {
  constructor(
    private readonly obj: JsonObject,
    /** "network 2 (\"bridge\")": the entry, as a user finds it in the file. */
    readonly where: string,
    private readonly source: string,
    private readonly give: string,
  ) {}

  /** The error to throw: `throw f.error('has a "dst" that is not an IP address')`. */
  error(problem: string): TopologyError {
    return new TopologyError(`${this.source}: ${this.where} ${problem}; give ${this.give}.`);
  }

  private wrong(key: string, expected: string): TopologyError {
    return this.error(`has ${quote(key)} set to ${kindOf(this.obj[key])} where ${expected} belongs`);
  }

  has(key: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.obj, key) && this.obj[key] !== undefined;
  }

  /** The raw value, for fields whose type says which syntax is used (a list or a map). */
  get(key: string): unknown {
    return this.has(key) ? this.obj[key] : undefined;
  }

  /** A string the tool always prints. */
  str(key: string): string {
    const v = this.obj[key];
    if (!this.has(key)) throw this.error(`has no ${quote(key)}`);
    if (typeof v !== 'string') throw this.wrong(key, 'a string');
    return v;
  }

  /** A string the tool may leave out or print as null; `` counts as absent when `emptyIsNull`. */
  optStr(key: string, emptyIsNull = true): string | null {
    const v = this.has(key) ? this.obj[key] : null;
    if (v === null) return null;
    if (typeof v !== 'string') throw this.wrong(key, 'a string');
    return emptyIsNull && v === '' ? null : v;
  }

  num(key: string): number {
    const v = this.obj[key];
    if (!this.has(key)) throw this.error(`has no ${quote(key)}`);
    if (typeof v !== 'number' || !Number.isFinite(v)) throw this.wrong(key, 'a number');
    return v;
  }

  optNum(key: string): number | null {
    const v = this.has(key) ? this.obj[key] : null;
    if (v === null) return null;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw this.wrong(key, 'a number');
    return v;
  }

  optBool(key: string): boolean | null {
    const v = this.has(key) ? this.obj[key] : null;
    if (v === null) return null;
    if (typeof v !== 'boolean') throw this.wrong(key, 'true or false');
    return v;
  }

  /** An array of strings; absent or null is empty. */
  strings(key: string): string[] {
    const v = this.has(key) ? this.obj[key] : null;
    if (v === null) return [];
    if (!Array.isArray(v) || !v.every((s): s is string => typeof s === 'string')) throw this.wrong(key, 'an array of strings');
    return v;
  }

  /** An object (a map such as `Containers` or `Options`); absent or null is null. */
  optObj(key: string): JsonObject | null {
    const v = this.has(key) ? this.obj[key] : null;
    if (v === null) return null;
    if (!isObject(v)) throw this.wrong(key, 'an object');
    return v;
  }

  /** An array of anything; absent or null is empty. */
  optArray(key: string): readonly unknown[] {
    const v = this.has(key) ? this.obj[key] : null;
    if (v === null) return [];
    if (!Array.isArray(v)) throw this.wrong(key, 'an array');
    return v;
  }

  /** Fields of a nested object, reported as "<where>'s <key>". */
  nested(obj: JsonObject, what: string): Fields {
    return new Fields(obj, `${this.where}'s ${what}`, this.source, this.give);
  }
}

/** The entries of a top-level array (a lone object counts as a one-entry array, as `docker inspect --format '{{json .}}'` prints). */
export function entriesOf(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [value];
}

/** A MAC field (`MacAddress`), lower-case; `` and null are absent. */
export function readMac(f: Fields, key: string): string | null {
  const text = f.optStr(key);
  if (text === null) return null;
  const mac = canonicalMac(text);
  if (mac === null) throw f.error(`has a ${quote(key)} that is not a MAC address`);
  return mac;
}

/** An address field with or without its prefix (`IPv4Address: "172.17.0.2/16"`); `` and null are absent. */
export function readAddress(f: Fields, key: string): PrefixedAddress | null {
  const text = f.optStr(key);
  if (text === null) return null;
  const address = parseAddressWithPrefix(text);
  if (address === null) throw f.error(`has a ${quote(key)} that is not an address like 172.17.0.2/16`);
  return address;
}
