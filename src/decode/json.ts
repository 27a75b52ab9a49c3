// Plain-object form of decoded layers: the `--ndjson` shape, also what tests and
// anything that keeps a layer past the current frame use (records are pooled).

import { formatIpv4, formatIpv6, formatMac } from './addr.js';
import type { DecodeIssue } from './issues.js';
import type { Layer, LayerList, TcpLayer } from './layers.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type LayerJson = { proto: string; [key: string]: JsonValue };

const orNull = (n: number): number | null => (n < 0 ? null : n);

/** TCP flag letters in tcpdump's order (S, F, R, P, then A for ACK, U, E, C, N). */
const TCP_FLAG_LETTERS: ReadonlyArray<[number, string]> = [
  [0x002, 'S'], [0x001, 'F'], [0x004, 'R'], [0x008, 'P'], [0x010, 'A'], [0x020, 'U'], [0x040, 'E'], [0x080, 'C'], [0x100, 'N'],
];

export function tcpFlagLetters(flags: number): string {
  if (flags < 0) return '';
  let s = '';
  for (const [bit, letter] of TCP_FLAG_LETTERS) if (flags & bit) s += letter;
  return s;
}

/** tcpdump-style option summary: "mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7". */
export function tcpOptionSummary(tcp: TcpLayer): string {
  const parts: string[] = [];
  for (let i = 0; i < tcp.optionCount; i++) {
    const kind = tcp.optionKinds[i];
    switch (kind) {
      case 0: parts.push('eol'); break;
      case 1: parts.push('nop'); break;
      case 2: parts.push(`mss ${tcp.mss}`); break;
      case 3: parts.push(`wscale ${tcp.windowScale}`); break;
      case 4: parts.push('sackOK'); break;
      case 5: parts.push(`sack ${tcp.sackBlocks}`); break;
      case 8: parts.push(`TS val ${tcp.tsVal} ecr ${tcp.tsEcr}`); break;
      default: parts.push(`opt-${kind}`);
    }
  }
  return parts.join(',');
}

export function layerListToJson(list: LayerList): LayerJson[] {
  const out: LayerJson[] = [];
  for (let i = 0; i < list.count; i++) out.push(layerToJson(list.items[i]));
  return out;
}

export function layerToJson(layer: Layer): LayerJson {
  switch (layer.proto) {
    case 'eth':
      return { proto: 'eth', src: formatMac(layer.src), dst: formatMac(layer.dst), type: layer.type };
    case 'vlan':
      return { proto: 'vlan', id: layer.id, pcp: layer.pcp, type: layer.type, tpid: layer.tpid, dei: layer.dei };
    case 'sll':
      return {
        proto: 'sll', pkttype: layer.pkttype, ifindex: orNull(layer.ifindex),
        src: layer.srcText ?? formatMac(layer.src), type: layer.type, version: layer.version, hatype: layer.hatype,
      };
    case 'null':
      return { proto: 'null', family: layer.family };
    case 'arp': {
      const o: LayerJson = {
        proto: 'arp', op: layer.op,
        sha: layer.shaText ?? formatMac(layer.sha), spa: layer.spaText ?? formatIpv4(layer.spa),
        tha: layer.thaText ?? formatMac(layer.tha), tpa: layer.tpaText ?? formatIpv4(layer.tpa),
        htype: layer.htype, ptype: layer.ptype,
      };
      if (!layer.ethIpv4) { o.hlen = layer.hlen; o.plen = layer.plen; }
      return o;
    }
    case 'ipv4': {
      const cut = layer.partial;
      const o: LayerJson = {
        proto: 'ipv4', src: layer.src < 0 ? null : formatIpv4(layer.src), dst: layer.dst < 0 ? null : formatIpv4(layer.dst),
        ttl: orNull(layer.ttl), id: orNull(layer.id), protocol: orNull(layer.protocol),
        df: cut && layer.fragOffset < 0 ? null : layer.df, mf: cut && layer.fragOffset < 0 ? null : layer.mf,
        fragOffset: orNull(layer.fragOffset), totalLength: orNull(layer.totalLength), checksumOk: layer.checksumOk,
        headerLength: layer.headerLength,
      };
      if (cut) o.partial = true;
      if (layer.reassembled) {
        o.reassembled = true;
        o.fragments = layer.fragmentCount;
      }
      return o;
    }
    case 'icmp':
      return {
        proto: 'icmp', type: layer.type, code: layer.code, id: orNull(layer.id), seq: orNull(layer.seq),
        mtu: orNull(layer.mtu), quoted: layerListToJson(layer.quoted), checksumOk: layer.checksumOk,
        ...(layer.gateway >= 0 ? { gateway: formatIpv4(layer.gateway) } : {}),
      };
    case 'udp':
      return { proto: 'udp', sport: layer.sport, dport: orNull(layer.dport), length: orNull(layer.length) };
    case 'vxlan':
      return { proto: 'vxlan', vni: layer.vni, flags: layer.flags };
    case 'geneve':
      return { proto: 'geneve', vni: layer.vni, protocol: layer.protocol, optionsLength: layer.optionsLength, oam: layer.oam, critical: layer.critical };
    case 'tcp':
      return {
        proto: 'tcp', sport: layer.sport, dport: layer.dport, seq: layer.seq, ack: orNull(layer.ack),
        flags: layer.flags < 0 ? null : tcpFlagLetters(layer.flags), window: orNull(layer.window),
        options: tcpOptionSummary(layer), payloadLength: layer.payloadLength,
      };
    case 'ipv6':
      return {
        proto: 'ipv6', src: formatIpv6(layer.src0, layer.src1, layer.src2, layer.src3),
        dst: formatIpv6(layer.dst0, layer.dst1, layer.dst2, layer.dst3), next: layer.next, hlim: layer.hlim,
        upper: layer.upper, payloadLength: layer.payloadLength,
      };
    case 'icmpv6': {
      const o: LayerJson = { proto: 'icmpv6', type: layer.type, code: layer.code, checksumOk: layer.checksumOk };
      if (layer.id >= 0) { o.id = layer.id; o.seq = layer.seq; }
      if (layer.pointer >= 0) o.pointer = layer.pointer;
      if (layer.curHopLimit >= 0) { o.curHopLimit = layer.curHopLimit; o.raFlags = layer.raFlags; o.routerLifetime = layer.routerLifetime; }
      if (layer.mtu >= 0) o.mtu = layer.mtu;
      if (layer.hasTarget) o.target = formatIpv6(layer.target0, layer.target1, layer.target2, layer.target3);
      if (layer.lladdr >= 0) o.lladdr = formatMac(layer.lladdr);
      if (layer.quoted.count > 0) o.quoted = layerListToJson(layer.quoted);
      return o;
    }
    case 'dns':
      return {
        proto: 'dns', id: layer.id, qr: layer.qr, rcode: layer.rcode, opcode: layer.opcode,
        questions: layer.questions.map((q) => ({ name: q.name, type: q.type })),
        answers: layer.answers.map((a) => ({ name: a.name, type: a.type, data: a.data, ttl: a.ttl })),
      };
  }
}

export function issueToJson(issue: DecodeIssue): { [key: string]: JsonValue } {
  return { layer: issue.layer, offset: issue.offset, kind: issue.kind, message: issue.message };
}
