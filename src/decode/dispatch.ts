// Dispatch tables: which decoder handles an EtherType or an IP protocol number.
// UDP ports are a per-context table (DecodeContext.udpPorts) because the VXLAN
// port is configurable (Docker swarm's data-path port, Flannel's 8472).

import { Next, type NextKind } from './context.js';

export const enum EtherType {
  IPv4 = 0x0800,
  ARP = 0x0806,
  RARP = 0x8035,
  VLAN = 0x8100,
  IPv6 = 0x86dd,
  QinQ = 0x88a8,
  QinQOld = 0x9100,
}

/** Values up to 1500 in the EtherType position are an IEEE 802.3 length, not a type. */
export const enum EtherTypeLimit { MAX_8023_LENGTH = 1500 }

export function etherTypeNext(type: number): NextKind {
  switch (type) {
    case EtherType.IPv4: return Next.Ipv4;
    case EtherType.ARP:
    case EtherType.RARP: return Next.Arp;
    case EtherType.VLAN:
    case EtherType.QinQ:
    case EtherType.QinQOld: return Next.Vlan;
    case EtherType.IPv6: return Next.Ipv6;
    default: return Next.None;
  }
}

export const enum IpProto {
  ICMP = 1,
  TCP = 6,
  UDP = 17,
  IPv6 = 41,
  ICMPv6 = 58,
}

export function ipProtoNext(protocol: number): NextKind {
  switch (protocol) {
    case IpProto.ICMP: return Next.Icmp;
    case IpProto.TCP: return Next.Tcp;
    case IpProto.UDP: return Next.Udp;
    case IpProto.ICMPv6: return Next.Icmpv6;
    default: return Next.None;
  }
}
