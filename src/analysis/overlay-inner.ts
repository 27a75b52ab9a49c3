// Hands each VNI's inner frames to the caller's engines (bridge FDB, ARP, ...).
//
// The inner frame is an AnalysisFrame refilled in place for every packet: `layers` is
// one reused LayerList holding the layers from the inner Ethernet header up to (not
// including) a nested VXLAN header; `iface` is the pseudo-port 'vxlan:<VTEP>' of the
// VTEP the packet came from (the outer source), so a bridge FDB learns every MAC "on
// the tunnel" of its VTEP; `ifaceId` is INNER_IFACE_BASE + the VTEP's id (its IPv4
// address as a u32), so engines that key interfaces by capture id also see one
// interface per VTEP, never clashing with a real capture interface; `direction` is
// 'in'; `ifindex` -1; `copy` says "first copy" (copies are dropped before this point).
// Changes the engines make are passed on with a `vni` field added.

import type { Layer } from '../decode/index.js';
import { MutableAnalysisFrame, type AnalysisFrame, type Change, type Engine } from './types.js';
import type { VtepAddresses } from './overlay-context.js';

/** Capture interface ids of the VTEP pseudo-ports start here (2^40: far above real ids, exact as a double). */
export const INNER_IFACE_BASE = 2 ** 40;

/** The pseudo-port name of a VTEP as inner engines see it. */
function vtepPortName(addresses: VtepAddresses, vtep: number): string {
  return 'vxlan:' + addresses.text(vtep);
}

/** Inner frames arrive from the tunnel: always received, never a copy (copies are dropped before). */
function newInnerFrame(): MutableAnalysisFrame {
  const f = new MutableAnalysisFrame();
  f.direction = 'in';
  return f;
}

export class InnerFeeder {
  private readonly frame = newInnerFrame();
  private readonly scratch: Change[] = [];
  private readonly portNames = new Map<number, string>();

  constructor(private readonly addresses: VtepAddresses) {}

  /** Step `engines` over layers [from, end) of `items` as a frame received from `vtep`. */
  feed(outer: AnalysisFrame, vni: number, engines: readonly Engine[], items: readonly Layer[], from: number, end: number,
    vtep: number, out: Change[]): void {
    const f = this.frame;
    const view = f.layers;
    view.clear();
    for (let k = from; k < end; k++) view.push(items[k]);
    let name = this.portNames.get(vtep);
    if (name === undefined) {
      name = vtepPortName(this.addresses, vtep);
      this.portNames.set(vtep, name);
    }
    f.no = outer.no;
    f.tsSec = outer.tsSec;
    f.tsNsec = outer.tsNsec;
    f.ifaceId = INNER_IFACE_BASE + vtep;
    f.iface = name;
    f.copy.firstNo = outer.no;
    f.copy.firstIface = name;
    const scratch = this.scratch;
    for (const engine of engines) {
      if (scratch.length !== 0) scratch.length = 0;
      engine.step(f, scratch);
      for (const c of scratch) out.push({ ...c, vni });
    }
  }
}
