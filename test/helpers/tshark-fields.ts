// Turns one frame of `dockshark decode --ndjson` into tshark `-T ek` field lists, so
// the two can be compared field by field. Each mapping mirrors what the tshark 4.0
// dissector puts in that field (formats noted inline).

type Json = Record<string, unknown>;
export type FieldLists = Record<string, string[]>;

const hex = (n: number, digits: number): string => '0x' + n.toString(16).padStart(digits, '0');

/** Our layers, with each ICMP/ICMPv6 error's quoted layers inlined after it (tshark's dissection order). */
export function flattenLayers(layers: Json[]): Json[] {
  const out: Json[] = [];
  for (const layer of layers) {
    out.push(layer);
    const quoted = layer.quoted as Json[] | undefined;
    if (quoted && quoted.length > 0) out.push(...flattenLayers(quoted));
  }
  return out;
}

const TCP_FLAG_BITS: Record<string, number> = { F: 0x001, S: 0x002, R: 0x004, P: 0x008, A: 0x010, U: 0x020, E: 0x040, C: 0x080, N: 0x100 };

export function ourFields(frame: Json): FieldLists {
  const f: FieldLists = {};
  // A field that a cut header did not capture is null in our JSON, and absent in tshark's.
  const add = (name: string, value: string | null): void => {
    if (value === null || value === 'null' || value === 'NaN') return;
    (f[name] ??= []).push(value);
  };
  add('frame_len', String(frame.len));
  add('frame_cap_len', String(frame.caplen));
  for (const l of flattenLayers(frame.layers as Json[])) {
    switch (l.proto) {
      case 'eth':
        add('eth_src', l.src as string);
        add('eth_dst', l.dst as string);
        // An 802.3 length field is eth.len in tshark, not eth.type.
        if ((l.type as number) > 1500) add('eth_type', hex(l.type as number, 4));
        break;
      case 'vlan':
        // tshark files an 802.1ad (0x88a8) tag under ieee8021ad.id, not vlan.id.
        if (l.tpid !== 0x88a8) add('vlan_id', String(l.id));
        break;
      case 'arp':
        add('arp_opcode', String(l.op));
        if (l.htype === 1 || (l.sha as string).length === 17) {
          if ((l.sha as string).length === 17) add('arp_src_hw_mac', l.sha as string);
          if ((l.tha as string).length === 17) add('arp_dst_hw_mac', l.tha as string);
        }
        if (l.ptype === 0x0800 && /^\d+\.\d+\.\d+\.\d+$/.test(l.spa as string)) add('arp_src_proto_ipv4', l.spa as string);
        if (l.ptype === 0x0800 && /^\d+\.\d+\.\d+\.\d+$/.test(l.tpa as string)) add('arp_dst_proto_ipv4', l.tpa as string);
        break;
      case 'ipv4':
        add('ip_src', l.src as string | null);
        add('ip_dst', l.dst as string | null);
        add('ip_proto', String(l.protocol));
        add('ip_ttl', String(l.ttl));
        add('ip_id', l.id === null ? null : hex(l.id as number, 4));
        add('ip_flags_mf', l.mf === null ? null : l.mf ? '1' : '0');
        // tshark 4.0 reports the raw 13-bit field (8-byte units); ours is in bytes.
        add('ip_frag_offset', l.fragOffset === null ? null : String((l.fragOffset as number) / 8));
        break;
      case 'icmp':
        add('icmp_type', String(l.type));
        add('icmp_code', String(l.code));
        if (l.id !== null) add('icmp_ident', String(l.id));
        if (l.seq !== null) add('icmp_seq', String(l.seq));
        break;
      case 'udp':
        add('udp_srcport', String(l.sport));
        add('udp_dstport', String(l.dport));
        add('udp_length', String(l.length));
        break;
      case 'vxlan':
        add('vxlan_vni', String(l.vni));
        break;
      case 'tcp':
        add('tcp_srcport', String(l.sport));
        add('tcp_dstport', String(l.dport));
        if (l.flags !== null) {
          let bits = 0;
          for (const c of l.flags as string) bits |= TCP_FLAG_BITS[c];
          add('tcp_flags', hex(bits, 4));
        }
        break;
      case 'ipv6':
        add('ipv6_src', l.src as string);
        add('ipv6_dst', l.dst as string);
        break;
      case 'icmpv6':
        add('icmpv6_type', String(l.type));
        break;
      case 'dns':
        for (const q of l.questions as Json[]) add('dns_qry_name', q.name as string);
        break;
    }
  }
  return f;
}

/** The fields compared; tshark's `ip.checksum.status` is 2 (unverified) by default, so it is not among them. */
export const COMPARED_FIELDS = [
  'frame_len', 'frame_cap_len', 'eth_src', 'eth_dst', 'eth_type', 'vlan_id', 'arp_opcode', 'arp_src_hw_mac',
  'arp_src_proto_ipv4', 'arp_dst_hw_mac', 'arp_dst_proto_ipv4', 'ip_src', 'ip_dst', 'ip_proto', 'ip_ttl', 'ip_id',
  'ip_flags_mf', 'ip_frag_offset', 'icmp_type', 'icmp_code', 'icmp_ident', 'icmp_seq', 'udp_srcport', 'udp_dstport',
  'udp_length', 'vxlan_vni', 'tcp_srcport', 'tcp_dstport', 'tcp_flags', 'ipv6_src', 'ipv6_dst', 'icmpv6_type',
  'dns_qry_name',
] as const;
