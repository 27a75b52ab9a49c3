// Bridge FDBs: the kernel's learned entries (`bridge -j fdb show`: a master bridge, state
// "", i.e. neither permanent nor static) against the bridges dockshark rebuilt.
//
// A kernel entry is checkable when its MAC was seen in the capture and the capture shows
// where it was learned: the bridge device itself, the port, or traffic dockshark learned
// other MACs from on that port (a VXLAN port seen through its tunnel). Dockshark's port
// null means the capture did not say (a capture of the bridge alone): the MAC agreeing is
// agreement. Dockshark's learned entries the kernel lacks are differences (the kernel's
// ageing or a port's removal flushed them, or we learned wrongly), where the capture names
// the bridge: the user decides.

import type { FdbEntry } from '../topology/types.js';
import { finding, type Finding } from './findings.js';
import type { OurBridge, ReportView } from './report-view.js';
import type { Seen } from './sightings.js';

export function verifyFdb(kernel: readonly FdbEntry[], ours: ReportView, seen: Seen): Finding[] {
  const out: Finding[] = [];
  const byFileAndBridge = new Map<string, FdbEntry[]>();
  for (const e of kernel) {
    if (e.master === null) continue; // a device's own (self) entry: the VXLAN table, or a port's multicast list
    const key = `${e.file}\n${e.master}`;
    const list = byFileAndBridge.get(key) ?? [];
    list.push(e);
    byFileAndBridge.set(key, list);
  }
  const captured = new Set(ours.interfaces);
  for (const [key, entries] of byFileAndBridge) {
    const [file, bridgeName] = key.split('\n');
    const bridge = matchBridge(bridgeName, ours);
    const learned = entries.filter((e) => e.state === '');
    const portsWithTraffic = new Set(bridge?.fdb.filter((e) => !e.local && e.port !== null).map((e) => e.port));
    for (const k of learned) {
      const where = k.ifname ?? 'a port the dump does not name';
      const kernelText = `learned on ${where}${k.vlan !== null ? ` vlan ${k.vlan}` : ''}`;
      const mine = bridge?.fdb.find((e) => e.mac === k.mac && (k.vlan === null || e.vlan === null || e.vlan === k.vlan));
      if (!seen.sawMac(k.mac)) {
        out.push(finding('fdb', 'unchecked', file, bridgeName, k.mac, kernelText, mine ? ourText(mine) : null,
          'The capture has no frame from this MAC: the kernel learned it before or outside the capture.'));
        continue;
      }
      if (mine !== undefined) {
        if (mine.local) {
          out.push(finding('fdb', 'differ', file, bridgeName, k.mac, kernelText, ourText(mine),
            'dockshark took this MAC for the host\'s own address, the kernel learned it on a port.'));
        } else if (mine.port === null || k.ifname === null || mine.port === k.ifname) {
          out.push(finding('fdb', 'agree', file, bridgeName, k.mac, kernelText, ourText(mine),
            mine.port === null ? 'The capture does not show the port: the MAC agrees.'
              : k.ifname === null ? 'The dump does not name ports (`bridge fdb show dev X` leaves them out): the MAC agrees.' : null));
        } else {
          out.push(finding('fdb', 'differ', file, bridgeName, k.mac, kernelText, ourText(mine), 'The ports differ.'));
        }
        continue;
      }
      // A capture that names no interface may not be of this bridge at all: it cannot say an entry is missing.
      const visible = bridge !== undefined && bridge.name !== null &&
        (captured.has(bridgeName) || (k.ifname !== null && (captured.has(k.ifname) || portsWithTraffic.has(k.ifname))));
      if (visible) {
        out.push(finding('fdb', 'differ', file, bridgeName, k.mac, kernelText, null,
          'The capture shows this MAC and where it was learned, but dockshark has no entry for it.'));
      } else {
        out.push(finding('fdb', 'unchecked', file, bridgeName, k.mac, kernelText, null, bridge?.name === null
          ? `The capture names no interface, so it cannot tell whether it shows ${bridgeName}.`
          : `The capture shows neither ${bridgeName} nor ${where}, so it cannot tell where the MAC was learned.`));
      }
    }
    // A dump of one device (`bridge fdb show dev vxlan0`) names no ports and holds only that
    // port's entries: it cannot say dockshark's entries on other ports are wrong. Nor can a
    // capture that names no interface: it may be of a container's or the uplink's segment,
    // whose MACs the kernel's bridge never had to learn.
    if (bridge === undefined || bridge.name === null || entries.every((e) => e.ifname === null)) continue;
    const kernelMacs = new Map(entries.map((e) => [e.mac, e]));
    for (const mine of bridge.fdb) {
      if (mine.local) continue;
      const k = kernelMacs.get(mine.mac);
      if (k !== undefined && k.state === '') continue;
      out.push(finding('fdb', 'differ', file, bridgeName, mine.mac, k ? `${k.state} on ${k.ifname ?? '?'}` : null, ourText(mine),
        k ? 'The kernel holds this MAC as its own (permanent) address; dockshark learned it on a port.'
          : 'The kernel has no entry for this MAC (it ages entries out after 300 s and flushes those of a removed port).'));
    }
  }
  return out;
}

/** Our bridge of that name; or, for a capture that names no interface, the one bridge it showed. */
function matchBridge(name: string, ours: ReportView): OurBridge | undefined {
  const named = ours.bridges.find((b) => b.name === name);
  if (named !== undefined) return named;
  const unnamed = ours.bridges.filter((b) => b.name === null);
  return unnamed.length === 1 && ours.bridges.length === 1 ? unnamed[0] : undefined;
}

function ourText(e: { port: string | null; vlan: number | null; local: boolean }): string {
  if (e.local) return 'the host\'s own address';
  return `learned on ${e.port ?? 'an unknown port'}${e.vlan !== null ? ` vlan ${e.vlan}` : ''}`;
}
