// Frame filters (the replay's breakpoints, the TUI's `/`): tcpdump-like text (grammar in
// filter-parse.ts) compiled once into closures over the decoded layers.
//
// A primitive matches a frame when ANY of its layers matches, inner layers after a
// VXLAN/Geneve header included (as tshark does); the quoted datagram of an ICMP error is
// not looked at (it lives in IcmpLayer.quoted, outside the frame's list). Matching
// allocates nothing and never throws.
//
// Where this differs from tcpdump's BPF: `icmp6`/`udp`/`tcp` follow IPv6 extension headers
// (tcpdump's `icmp6` misses MLD behind a Hop-by-Hop header); `port` matches the frame
// that completed a fragmented datagram (tcpdump: the first fragment); a VLAN tag does not
// hide what follows it (tcpdump needs `vlan and ...`).

import { parseFilterText, type Dir, type FilterNode, type IdField, type ProtoName } from './filter-parse.js';
import type { Layer, LayerList } from './layers.js';

export { FilterSyntaxError } from './filter-parse.js';

export interface FrameFilter {
  readonly text: string;
  matches(layers: LayerList, iface: string | null): boolean;
}

type Test = (items: readonly Layer[], count: number, iface: string | null) => boolean;
type LayerTest = (layer: Layer) => boolean;

/** Parses and compiles a filter; throws FilterSyntaxError (only). The empty filter matches every frame. */
export function parseFilter(text: string): FrameFilter {
  // Anything other than a FilterSyntaxError out of here is a bug, and is left to surface.
  const test = compile(parseFilterText(text));
  return {
    text,
    matches(layers: LayerList, iface: string | null): boolean {
      return test(layers.items, layers.count, iface);
    },
  };
}

function compile(node: FilterNode): Test {
  switch (node.kind) {
    case 'all': return () => true;
    case 'not': {
      const item = compile(node.item);
      return (items, count, iface) => !item(items, count, iface);
    }
    case 'and': {
      const parts = node.items.map(compile);
      return (items, count, iface) => {
        for (let i = 0; i < parts.length; i++) if (!parts[i](items, count, iface)) return false;
        return true;
      };
    }
    case 'or': {
      const parts = node.items.map(compile);
      return (items, count, iface) => {
        for (let i = 0; i < parts.length; i++) if (parts[i](items, count, iface)) return true;
        return false;
      };
    }
    case 'iface': {
      const name = node.name;
      return (_items, _count, iface) => iface === name;
    }
    default: {
      const test = layerTest(node);
      return (items, count) => {
        for (let i = 0; i < count; i++) if (test(items[i])) return true;
        return false;
      };
    }
  }
}

function pick(dir: Dir, src: boolean, dst: boolean): boolean {
  return dir === 'src' ? src : dir === 'dst' ? dst : dir === 'either' ? src || dst : src && dst;
}

/** The EtherType a link-layer header announces for what follows it, or -1. */
function etherType(l: Layer): number {
  return l.proto === 'eth' || l.proto === 'vlan' || l.proto === 'sll' ? l.type : -1;
}

/** The IP protocol number an IP header announces (IPv6: after its extension headers), or -1. */
function ipProtocol(l: Layer): number {
  return l.proto === 'ipv4' ? l.protocol : l.proto === 'ipv6' ? l.upper : -1;
}

/**
 * A protocol is present when its layer is, or when the header before it names it (a cut
 * ARP message, a non-first IPv4 fragment of UDP), as tcpdump's `ether proto`/`ip proto` do.
 */
function protoTest(proto: ProtoName): LayerTest {
  switch (proto) {
    case 'eth': return (l) => l.proto === 'eth';
    case 'vlan': return (l) => l.proto === 'vlan';
    case 'sll': return (l) => l.proto === 'sll';
    case 'vxlan': return (l) => l.proto === 'vxlan';
    case 'geneve': return (l) => l.proto === 'geneve';
    case 'dns': return (l) => l.proto === 'dns';
    case 'arp': return (l) => l.proto === 'arp' || etherType(l) === 0x0806;
    case 'ip': return (l) => l.proto === 'ipv4' || etherType(l) === 0x0800;
    case 'ip6': return (l) => l.proto === 'ipv6' || etherType(l) === 0x86dd;
    case 'icmp': return (l) => l.proto === 'icmp' || (l.proto === 'ipv4' && l.protocol === 1);
    case 'icmp6': return (l) => l.proto === 'icmpv6' || (l.proto === 'ipv6' && l.upper === 58);
    case 'udp': return (l) => l.proto === 'udp' || ipProtocol(l) === 17;
    case 'tcp': return (l) => l.proto === 'tcp' || ipProtocol(l) === 6;
  }
}

function layerTest(node: FilterNode): LayerTest {
  switch (node.kind) {
    case 'proto': return protoTest(node.proto);
    case 'net4': {
      const { dir, via, addr, mask } = node;
      const hit = (a: number) => a >= 0 && (a & mask) >>> 0 === addr;
      return (l) => {
        if (l.proto === 'ipv4') return via !== 'arp' && pick(dir, hit(l.src), hit(l.dst));
        if (l.proto === 'arp') return via !== 'ip' && l.spaText === null && pick(dir, hit(l.spa), hit(l.tpa));
        return false;
      };
    }
    case 'net6': {
      const [a0, a1, a2, a3] = node.addr;
      const [m0, m1, m2, m3] = node.mask;
      const dir = node.dir;
      const hit = (w0: number, w1: number, w2: number, w3: number) =>
        (w0 & m0) >>> 0 === a0 && (w1 & m1) >>> 0 === a1 && (w2 & m2) >>> 0 === a2 && (w3 & m3) >>> 0 === a3;
      return (l) => l.proto === 'ipv6' &&
        pick(dir, hit(l.src0, l.src1, l.src2, l.src3), hit(l.dst0, l.dst1, l.dst2, l.dst3));
    }
    case 'ether': {
      const { dir, mac } = node;
      return (l) => {
        if (l.proto === 'eth') return pick(dir, l.src === mac, l.dst === mac);
        // Linux cooked captures keep only the source address.
        if (l.proto === 'sll') return l.srcText === null && l.halen === 6 && pick(dir, l.src === mac, false);
        return false;
      };
    }
    case 'port': {
      const { dir, via, lo, hi } = node;
      const hit = (p: number) => p >= lo && p <= hi;
      return (l) => {
        if (l.proto === 'udp') { if (via === 'tcp') return false; }
        else if (l.proto === 'tcp') { if (via === 'udp') return false; }
        else return false;
        return pick(dir, hit(l.sport), hit(l.dport));
      };
    }
    case 'id': return idTest(node.field, node.value);
    default: return () => false; // and/or/not/all/iface are compiled in compile()
  }
}

function idTest(field: IdField, value: number): LayerTest {
  switch (field) {
    case 'vlan': return (l) => l.proto === 'vlan' && l.id === value;
    case 'vxlan': return (l) => l.proto === 'vxlan' && l.vni === value;
    case 'geneve': return (l) => l.proto === 'geneve' && l.vni === value;
    case 'vni': return (l) => (l.proto === 'vxlan' || l.proto === 'geneve') && l.vni === value;
    case 'icmp-type': return (l) => l.proto === 'icmp' && l.type === value;
    case 'icmp6-type': return (l) => l.proto === 'icmpv6' && l.type === value;
  }
}
