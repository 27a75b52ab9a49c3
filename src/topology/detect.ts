// Recognises a topology file from its content (never its name: users save dumps as
// whatever they like) and hands it to the parser of its format:
//   JSON arrays (or one object) of `docker network inspect`, `docker inspect` containers,
//   `ip -j -d link show`, `ip -j addr show`, `ip -j neigh show`, `bridge -j fdb show`,
//   each told apart by the keys of its first object; a JSON object with `services`, or
//   YAML with a top-level `services:`, is a compose file; `iptables-save` text has
//   `*table` and `-A CHAIN` lines; `conntrack -L` lines start `udp 17 29 src=...`
//   (`ipv4 2 udp 17 ...` with `-o extended`).

import { TopologyError } from './errors.js';
import { isObject, parseJson, type JsonObject } from './json.js';
import { Topology } from './model.js';
import { fromBridgeFdbJson } from './bridge-fdb.js';
import { fromCompose, parseComposeYaml } from './compose.js';
import { parseConntrackLine, parseConntrackText } from './conntrack.js';
import { fromDockerInspectJson } from './docker-inspect.js';
import { fromDockerNetworkJson } from './docker-network.js';
import { fromIpAddrJson } from './ip-addr.js';
import { fromIpLinkJson } from './ip-link.js';
import { fromIpNeighJson } from './ip-neigh.js';
import { parseIptablesNat } from './iptables-nat.js';

export type TopologyFormat =
  | 'docker-network-inspect' | 'docker-inspect' | 'ip-link' | 'ip-addr' | 'ip-neigh' | 'bridge-fdb'
  | 'iptables-nat' | 'conntrack' | 'compose';

const ACCEPTED = 'the JSON of `docker network inspect`, `docker inspect` (containers), `ip -j -d link show`, `ip -j addr show`, '
  + '`ip -j neigh show` or `bridge -j fdb show`, the text of `iptables-save -t nat` or `conntrack -L`, or a docker-compose file';

function unrecognised(source: string, what: string): TopologyError {
  return new TopologyError(`${source} ${what}; give ${ACCEPTED}.`);
}

type JsonFormat = Exclude<TopologyFormat, 'iptables-nat' | 'conntrack'>;

/** Which JSON dump an object of the top-level array is from, by the keys its tool always prints. */
function jsonFormatOf(o: JsonObject): JsonFormat | null {
  const has = (k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);
  if (has('services')) return 'compose';
  if (has('NetworkSettings') || has('HostConfig')) return 'docker-inspect';
  if (has('IPAM') || (has('Driver') && (has('Containers') || has('Scope')))) return 'docker-network-inspect';
  if (has('mac')) return 'bridge-fdb';
  if (has('addr_info')) return 'ip-addr';
  if (has('ifindex') || has('ifname')) return 'ip-link';
  // `ip -j route` entries have dst and dev too, but always flags (and often gateway, protocol)
  if (has('dst') && (has('lladdr') || has('state') || has('dev')) && !has('flags') && !has('gateway') && !has('protocol')) return 'ip-neigh';
  return null;
}

const JSON_PARSERS: Record<JsonFormat, (value: unknown, source: string) => Topology> = {
  'docker-network-inspect': fromDockerNetworkJson,
  'docker-inspect': fromDockerInspectJson,
  'ip-link': fromIpLinkJson,
  'ip-addr': fromIpAddrJson,
  'ip-neigh': fromIpNeighJson,
  'bridge-fdb': fromBridgeFdbJson,
  compose: fromCompose,
};

const CONNTRACK_SUMMARY = /^conntrack v[\d.]+ \(conntrack-tools\)/;

/** The format of `text`, or null when it is none dockshark reads. */
export function detectFormat(text: string): TopologyFormat | null {
  const json = tryJson(text);
  return json.ok ? jsonValueFormat(json.value) : textFormat(text);
}

/** JSON when it parses as JSON; `conntrack -E` lines also start with `[`. */
function tryJson(text: string): { ok: true; value: unknown } | { ok: false } {
  const start = text.trimStart()[0];
  if (start !== '[' && start !== '{') return { ok: false };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

function textFormat(text: string): 'iptables-nat' | 'conntrack' | 'compose' | null {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  if (lines.some((l) => /^\*[a-z]+$/.test(l) || l.startsWith('-A '))) return 'iptables-nat';
  const first = lines.find((l) => !CONNTRACK_SUMMARY.test(l));
  if (first !== undefined && parseConntrackLine(first) !== null) return 'conntrack';
  if (/^services\s*:/m.test(text)) return 'compose';
  return null;
}

function jsonValueFormat(value: unknown): JsonFormat | null {
  if (isObject(value)) return jsonFormatOf(value);
  if (!Array.isArray(value)) return null;
  const first = value.find(isObject);
  return first === undefined ? null : jsonFormatOf(first);
}

/** The topology in one file, whatever its format; a TopologyError (one sentence) when it is none or is broken. */
export function parseTopologyFile(text: string, source: string): Topology {
  const trimmed = text.trimStart();
  if (trimmed === '') throw unrecognised(source, 'is empty');
  const json = tryJson(text);
  const format = json.ok ? null : textFormat(text);
  if (json.ok || (format === null && (trimmed.startsWith('[') || trimmed.startsWith('{')))) {
    // broken JSON: say where it breaks (parseJson throws) rather than "not recognised"
    const value = json.ok ? json.value : parseJson(text, source, ACCEPTED);
    // An empty array is what every JSON tool prints when it has nothing to say.
    if (Array.isArray(value) && value.length === 0) return Topology.empty();
    const jsonFormat = jsonValueFormat(value);
    if (jsonFormat === null) throw unrecognised(source, 'is JSON, but not from a tool dockshark reads');
    return JSON_PARSERS[jsonFormat](value, source);
  }
  switch (format) {
    case 'iptables-nat': return parseIptablesNat(text, source);
    case 'conntrack': return parseConntrackText(text, source);
    case 'compose': return parseComposeYaml(text, source);
    default: throw unrecognised(source, 'is not a topology file dockshark recognises');
  }
}
