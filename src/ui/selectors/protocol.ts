// The Protocol column: the innermost layer that says what the frame is (a VXLAN frame
// carrying a ping is ICMP, as in Wireshark), and one colour per protocol.

import type { Layer, LayerList } from '../../decode/index.js';

const LINK_LAYERS = new Set(['eth', 'vlan', 'sll', 'null']);

const NAMES: Record<string, string> = {
  eth: 'ETH', vlan: '802.1Q', sll: 'SLL', null: 'LOOP', arp: 'ARP', ipv4: 'IPv4', ipv6: 'IPv6', icmp: 'ICMP',
  icmpv6: 'ICMPv6', udp: 'UDP', tcp: 'TCP', dns: 'DNS', vxlan: 'VXLAN', geneve: 'Geneve',
};

/** Ink colour names, chosen so neighbouring protocols differ on both dark and light terminals. */
export const PROTOCOL_COLOURS: Record<string, string> = {
  ARP: 'yellow', ICMP: 'magenta', ICMPv6: 'magenta', TCP: 'green', UDP: 'cyan', DNS: 'blue',
  VXLAN: 'cyan', Geneve: 'cyan', IPv4: 'white', IPv6: 'white',
};

/** Colour of rows whose frame the decoder could not decode completely. */
export const PROBLEM_COLOUR = 'red';

/** The innermost non-link layer, or the outermost layer when the frame is link-only. */
export function innermostLayer(layers: LayerList): Layer | null {
  for (let i = layers.count - 1; i >= 0; i--) {
    if (!LINK_LAYERS.has(layers.items[i].proto)) return layers.items[i];
  }
  return layers.count > 0 ? layers.items[0] : null;
}

export function protocolName(layers: LayerList): string {
  const layer = innermostLayer(layers);
  return layer === null ? '?' : NAMES[layer.proto] ?? layer.proto.toUpperCase();
}

export function protocolColour(protocol: string, hasIssues: boolean): string {
  return hasIssues ? PROBLEM_COLOUR : PROTOCOL_COLOURS[protocol] ?? 'gray';
}
