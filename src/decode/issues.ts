// Typed decode issues. A decoder never throws on malformed bytes: it records one of
// these (layer, byte offset from the start of the frame, a whole-sentence message)
// and decodes what it can.

export type IssueKind = 'truncated' | 'bad-field' | 'bad-checksum' | 'unsupported';

export type LayerName =
  | 'frame' | 'eth' | 'vlan' | 'sll' | 'null' | 'arp' | 'ipv4' | 'icmp' | 'udp' | 'vxlan' | 'geneve'
  | 'tcp' | 'ipv6' | 'icmpv6' | 'dns';

export interface DecodeIssue {
  readonly layer: LayerName;
  /** Byte offset from the start of the captured frame where the problem is. */
  readonly offset: number;
  readonly kind: IssueKind;
  /** A whole sentence naming the field, the value and the rule. */
  readonly message: string;
}
