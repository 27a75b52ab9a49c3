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

import type { LayerList } from '../decode/index.js';
import { MutableAnalysisFrame, type AnalysisFrame, type Change, type Engine } from './types.js';
import type { VtepAddresses } from './overlay-context.js';
import { U48Map } from './u48-map.js';

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
  /** VTEP id -> port name. A U48Map: a JS Map hashes an address above 2^31 in V8's runtime. */
  private readonly portNames = new U48Map<string>();
  /** The VTEP fed last and its name: a tunnel carries many frames in a row. */
  private lastVtep = -1;
  private lastName = '';

  constructor(private readonly addresses: VtepAddresses) {}

  /** Step `engines` over layers [from, end) of `list` as a frame received from `vtep`. */
  feed(outer: AnalysisFrame, vni: number, engines: readonly Engine[], list: LayerList, from: number, end: number,
    vtep: number, out: Change[]): void {
    const f = this.frame;
    const view = f.layers;
    view.clear();
    const items = list.items;
    const kinds = list.kinds;
    for (let k = from; k < end; k++) view.push(items[k], kinds[k]);
    const name = vtep === this.lastVtep ? this.lastName : this.portName(vtep);
    f.no = outer.no;
    f.tsSec = outer.tsSec;
    f.tsNsec = outer.tsNsec;
    f.ifaceId = INNER_IFACE_BASE + vtep;
    // Stored only when it changes (each store of a string runs V8's write barrier).
    if (f.iface !== name) f.iface = name;
    f.copy.firstNo = outer.no;
    if (f.copy.firstIface !== name) f.copy.firstIface = name;
    const scratch = this.scratch;
    for (const engine of engines) {
      while (scratch.length > 0) scratch.pop(); // not `length = 0`: that drops the backing store
      engine.step(f, scratch);
      for (const c of scratch) out.push({ ...c, vni });
    }
  }

  private portName(vtep: number): string {
    let name = this.portNames.get(vtep);
    if (name === undefined) {
      name = vtepPortName(this.addresses, vtep);
      this.portNames.set(vtep, name);
    }
    this.lastVtep = vtep;
    this.lastName = name;
    return name;
  }
}
