// The VXLAN device's forwarding table (`bridge -j fdb show dev vxlan0`: entries with a
// remote `dst`, learned or programmed) against the MAC-to-VTEP map dockshark rebuilt from
// the tunnels, for the MACs the capture saw. The all-zeros entries (where to flood) are
// not MACs. Dockshark's map spans every VTEP of the overlay and one host's device knows
// only the remote ones, so dockshark's other entries are not differences.

import type { FdbEntry } from '../topology/types.js';
import { finding, type Finding } from './findings.js';
import type { ReportView } from './report-view.js';
import type { Seen } from './sightings.js';

export function verifyVxlan(kernel: readonly FdbEntry[], ours: ReportView, seen: Seen): Finding[] {
  const out: Finding[] = [];
  for (const k of kernel) {
    if (k.dst === null || k.master !== null || k.mac === '00:00:00:00:00:00') continue;
    const scope = k.vni !== null ? `${k.ifname ?? 'vxlan'} vni ${k.vni}` : (k.ifname ?? 'vxlan');
    const kernelText = `vtep ${k.dst}${k.state === 'permanent' ? ' (programmed)' : ''}`;
    const mine = ours.vxlan.find((e) => e.mac === k.mac && (k.vni === null || e.vni === k.vni));
    if (mine === undefined) {
      out.push(ours.vxlan.length > 0 && seen.sawMac(k.mac)
        ? finding('vxlan', 'differ', k.file, scope, k.mac, kernelText, null, 'The capture has frames from this MAC, but dockshark mapped it to no VTEP.')
        : finding('vxlan', 'unchecked', k.file, scope, k.mac, kernelText, null, ours.vxlan.length === 0
          ? 'The capture shows no VXLAN traffic (a capture inside the overlay sees the inner frames only).'
          : 'The capture has no frame from this MAC.'));
    } else if (mine.vtep === k.dst) {
      out.push(finding('vxlan', 'agree', k.file, scope, k.mac, kernelText, `vtep ${mine.vtep}`));
    } else {
      out.push(finding('vxlan', 'differ', k.file, scope, k.mac, kernelText, `vtep ${mine.vtep}`, 'The VTEPs differ.'));
    }
  }
  return out;
}
