// The simulator's frames as structured values: built once, rewritten by NAT as objects,
// and serialised to bytes only where a capture point records them (packet-encode.ts).
// Field names follow the RFCs (ARP: RFC 826, IPv4: RFC 791, ICMP: RFC 792, UDP: RFC 768,
// TCP: RFC 9293, VXLAN: RFC 7348). MACs are 48-bit numbers, IPv4 addresses 32-bit numbers.

export type Mac = number;
export type Ip = number;

export const BROADCAST_MAC: Mac = 0xffffffffffff;

export interface ArpPacket {
  readonly kind: 'arp';
  /** 1 request, 2 reply. */
  readonly oper: 1 | 2;
  readonly sha: Mac;
  readonly spa: Ip;
  readonly tha: Mac;
  readonly tpa: Ip;
}

export interface IcmpEcho {
  readonly proto: 'icmp';
  /** 8 echo request, 0 echo reply. */
  readonly type: 0 | 8;
  readonly id: number;
  readonly seq: number;
  readonly data: Uint8Array;
}

export interface IcmpError {
  readonly proto: 'icmp-error';
  /** 3 destination unreachable. */
  readonly type: 3;
  readonly code: number;
  /** Code 4 (fragmentation needed): the next-hop MTU in bytes (RFC 1191); else absent. */
  readonly mtu?: number;
  /** The offending datagram as it was sent (IP header and the start of its payload). */
  readonly quoted: Uint8Array;
}

export interface VxlanPayload {
  readonly vni: number;
  readonly inner: EthFrame;
}

export interface UdpDatagram {
  readonly proto: 'udp';
  readonly sport: number;
  readonly dport: number;
  readonly data: Uint8Array | VxlanPayload;
  /** false: checksum 0 ("not computed", RFC 768), as the vxlan driver sends by default. */
  readonly checksum: boolean;
}

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;

export interface TcpSegment {
  readonly proto: 'tcp';
  readonly sport: number;
  readonly dport: number;
  readonly seq: number;
  readonly ack: number;
  readonly flags: number;
  readonly window: number;
  readonly data: Uint8Array;
}

export type L4 = IcmpEcho | IcmpError | UdpDatagram | TcpSegment;

/**
 * One fragment of a datagram (RFC 791): `payload` is its slice of the whole datagram's
 * encoded payload, starting `offset` bytes in. The whole datagram stays attached, so a
 * receiver that has every fragment gets it back without parsing bytes again.
 */
export interface Fragment {
  readonly offset: number;
  /** More Fragments flag. */
  readonly mf: boolean;
  readonly payload: Uint8Array;
  readonly whole: Ipv4Packet;
}

export interface Ipv4Packet {
  readonly kind: 'ipv4';
  readonly src: Ip;
  readonly dst: Ip;
  readonly ttl: number;
  /** Identification field. */
  readonly id: number;
  /** Don't Fragment flag. */
  readonly df: boolean;
  /** For a fragment, the whole datagram's L4 (read `frag` first: its bytes are a slice). */
  readonly l4: L4;
  /** Set on a fragment only. */
  readonly frag?: Fragment;
  /**
   * On a datagram reassembled by a forwarding (NAT) host: the Total Length of its largest
   * fragment. Linux (IPCB frag_max_size) fragments it again to that size on the way out.
   */
  readonly fragMax?: number;
}

export interface EthFrame {
  readonly dst: Mac;
  readonly src: Mac;
  readonly body: ArpPacket | Ipv4Packet;
}

export function isVxlan(data: Uint8Array | VxlanPayload): data is VxlanPayload {
  return !(data instanceof Uint8Array);
}
