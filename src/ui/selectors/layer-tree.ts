// The layer tree of the selected frame, from the same JSON `decode --ndjson` prints: one
// heading per layer and its fields packed into lines of the pane's width. Layers after a
// VXLAN/Geneve header are the inner frame and are indented under it; an ICMP error's quoted
// datagram is indented under the ICMP layer.

import type { JsonValue, LayerJson } from '../../decode/index.js';
import { cut, safe } from './text.js';

export interface TreeLine {
  readonly depth: number;
  readonly text: string;
  readonly kind: 'layer' | 'field' | 'inner' | 'issue';
}

const TITLES: Record<string, string> = {
  eth: 'Ethernet II', vlan: '802.1Q VLAN tag', sll: 'Linux cooked capture', null: 'BSD loopback', arp: 'ARP',
  ipv4: 'IPv4', icmp: 'ICMP', udp: 'UDP', vxlan: 'VXLAN', geneve: 'Geneve', tcp: 'TCP', ipv6: 'IPv6',
  icmpv6: 'ICMPv6', dns: 'DNS',
};

/** Fields shown in hexadecimal (EtherTypes and the like). */
const HEX_FIELDS = new Set(['type@eth', 'type@vlan', 'type@sll', 'tpid@vlan', 'ptype@arp', 'protocol@geneve', 'flags@vxlan']);

export interface IssueLike {
  readonly layer: string;
  readonly offset: number;
  readonly kind: string;
  readonly message: string;
}

export function layerTree(layers: readonly LayerJson[], issues: readonly IssueLike[], width: number): TreeLine[] {
  const out: TreeLine[] = [];
  let depth = 0;
  for (const layer of layers) {
    addLayer(out, layer, depth, width);
    if (layer.proto === 'vxlan' || layer.proto === 'geneve') {
      depth++;
      out.push({ depth, text: `inner frame (${layer.proto} vni ${safe(layer.vni)})`, kind: 'inner' });
    }
  }
  for (const issue of issues) {
    out.push({ depth: 0, text: cut(`! ${safe(issue.kind)} in ${safe(issue.layer)} at byte ${issue.offset}: ${safe(issue.message)}`, width), kind: 'issue' });
  }
  return out;
}

function addLayer(out: TreeLine[], layer: LayerJson, depth: number, width: number): void {
  const title = TITLES[layer.proto] ?? safe(layer.proto);
  out.push({ depth, text: cut(`${title}${headline(layer)}`, width - depth * 2), kind: 'layer' });
  const tokens: string[] = [];
  const nested: [string, JsonValue[]][] = [];
  for (const [key, value] of Object.entries(layer)) {
    if (key === 'proto') continue;
    if (Array.isArray(value)) nested.push([key, value]);
    else tokens.push(`${key}=${fieldText(layer.proto, key, value)}`);
  }
  packTokens(out, tokens, depth + 1, width);
  for (const [key, items] of nested) {
    if (items.length === 0) continue;
    if (key === 'quoted') {
      out.push({ depth: depth + 1, text: 'quoted datagram', kind: 'inner' });
      for (const item of items) addLayer(out, item as LayerJson, depth + 2, width);
      continue;
    }
    items.forEach((item, i) => {
      const text = item !== null && typeof item === 'object' && !Array.isArray(item)
        ? Object.entries(item).map(([k, v]) => `${k}=${safe(v)}`).join(' ')
        : safe(item);
      out.push({ depth: depth + 1, text: cut(`${key}[${i}]: ${text}`, width - (depth + 1) * 2), kind: 'field' });
    });
  }
}

/** The one thing worth seeing without reading the fields. */
function headline(layer: LayerJson): string {
  const l = layer as Record<string, JsonValue>;
  switch (layer.proto) {
    case 'eth': case 'ipv4': case 'ipv6': return `, ${safe(l.src)} > ${safe(l.dst)}`;
    case 'udp': case 'tcp': return `, ${safe(l.sport)} > ${safe(l.dport)}`;
    case 'vxlan': case 'geneve': return `, vni ${safe(l.vni)}`;
    case 'vlan': return `, id ${safe(l.id)}`;
    case 'arp': return l.op === 1 ? ', request' : l.op === 2 ? ', reply' : `, op ${safe(l.op)}`;
    default: return '';
  }
}

function fieldText(proto: string, key: string, value: JsonValue): string {
  if (typeof value === 'number' && HEX_FIELDS.has(`${key}@${proto}`)) return '0x' + value.toString(16).padStart(4, '0');
  return safe(value);
}

function packTokens(out: TreeLine[], tokens: readonly string[], depth: number, width: number): void {
  const room = Math.max(10, width - depth * 2);
  let line = '';
  for (const token of tokens) {
    if (line !== '' && line.length + 2 + token.length > room) {
      out.push({ depth, text: line, kind: 'field' });
      line = '';
    }
    line = line === '' ? cut(token, room) : `${line}  ${token}`;
  }
  if (line !== '') out.push({ depth, text: line, kind: 'field' });
}

/** A tree line as shown: indented by depth. */
export function treeLineText(line: TreeLine): string {
  return '  '.repeat(line.depth) + line.text;
}
