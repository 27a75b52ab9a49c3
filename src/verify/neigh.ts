// ARP: each namespace's neighbour table (`ip -j neigh show`) against the IP-to-MAC table
// dockshark rebuilt from ARP (outside tunnels and inside each VNI). Only IPv4 entries
// with a link-layer address are compared (FAILED/INCOMPLETE ones have none; IPv6 is
// resolved by NDP, not ARP), and only for IPs the capture saw claimed in ARP: a neighbour
// resolved before the capture started cannot be checked. A namespace knows only the
// neighbours it talked to, so dockshark's other entries are not differences.

import type { Neighbour } from '../topology/types.js';
import { finding, type Finding } from './findings.js';
import type { ReportView } from './report-view.js';
import type { Seen } from './sightings.js';

export function verifyNeighbours(kernel: readonly Neighbour[], ours: ReportView, seen: Seen): Finding[] {
  const out: Finding[] = [];
  const table = new Map<string, string>();
  for (const e of ours.arp) if (!table.has(e.ip)) table.set(e.ip, e.mac);
  for (const k of kernel) {
    if (k.lladdr === null || !k.dst.includes('.')) continue;
    const scope = k.dev ?? 'neighbours';
    const kernelText = `${k.lladdr} (${k.state.join(',') || 'no state'})`;
    const mac = table.get(k.dst);
    if (mac === undefined) {
      if (seen.sawArpFrom(k.dst)) {
        out.push(finding('arp', 'differ', k.file, scope, k.dst, kernelText, null, 'ARP from this IP was captured, but dockshark has no entry for it.'));
      } else {
        out.push(finding('arp', 'unchecked', k.file, scope, k.dst, kernelText, null,
          'The capture has no ARP from this IP: it was resolved before or outside the capture.'));
      }
    } else if (mac === k.lladdr) {
      out.push(finding('arp', 'agree', k.file, scope, k.dst, kernelText, mac));
    } else {
      out.push(finding('arp', 'differ', k.file, scope, k.dst, kernelText, mac, 'The MACs differ.'));
    }
  }
  return out;
}
