// The VXLAN overlay engine: tunnels between VTEPs, the VXLAN devices' forwarding
// tables (what `bridge fdb show dev vxlan0` lists as `dst` entries), MTU trouble, and
// the inner frames of each VNI handed to the caller's bridge/ARP engines.
//
// Design (see also overlay-tables.ts and overlay-mtu.ts):
// * Copies of a frame captured on another interface (frame.copy.isCopy: the same
//   VXLAN packet in the h1 and h2 underlay captures) are skipped entirely.
// * Tunnels are keyed by (VNI, UDP port, unordered VTEP pair); `local`/`remote` are
//   decided by TunnelTable.localOf: topology `local` address, else capture direction,
//   else the end in more tunnels (the capture host), else the lower address. The
//   'tunnel.new' change carries the decision made at that frame (`localBy`); the
//   report's is made with everything seen. `port` is the UDP destination port when it
//   is a VXLAN port, else the source port. `frames` counts VXLAN packets (an outer-
//   fragmented packet counts once, on the frame that completes it).
// * FDB: a VTEP receiving a VXLAN packet learns "inner source MAC -> outer source IP"
//   (Linux vxlan_snoop). Every VXLAN packet is received by some VTEP, so the table
//   records MAC -> outer source for every packet: what every other VTEP learns. For
//   host H (address A) the kernel's table is the entries whose VTEP is not A. Group
//   and all-zero source MACs are not learned (the kernel drops those packets), nor
//   packets without the VXLAN I flag. Entries age after 300 s without a packet
//   (vxlan default `ageing 300`); the report lists the entries alive at the last frame.
// * Nested VXLAN (VXLAN in VXLAN): every level counts. Level k's tunnel is between
//   the IP addresses right before its VXLAN header, its FDB learns its own inner
//   source MAC, and its inner engines see the layers from its inner Ethernet up to
//   (not including) the next VXLAN header.
// * Inner engines: `innerEngines(vni)` is called once per VNI, when first seen; the
//   VNI's inner frames are stepped through them (overlay-inner.ts: a reused LayerList
//   view, iface 'vxlan:<outer source VTEP>'). Their changes are passed on with a `vni`
//   field; their reports go in `vnis[]` under each engine's name.
//
// Changes: 'tunnel.new' {vni, local, remote, port, localBy}; 'overlay.learn' {vni, mac,
// vtep[, afterAgeing]}; 'overlay.move' {vni, mac, from, to}; 'overlay.mtu' (overlay-mtu.ts).
// Report: { tunnels: [{vni, local, remote, port, frames, firstFrame, lastFrame, localBy}],
// fdb: [{vni, mac, vtep, firstFrame, learnedFrame, lastFrame, frames, moves}],
// mtu: [{problem, vni, src, dst, mtu, count, firstFrame, lastFrame, reason}], mtuCounts,
// vnis: [{vni, frames, vteps, macs, learning, deviceMtu, largestInner, <engine>: report}],
// ignored }, each list sorted (VNI, then addresses/MACs numerically; mtu by first frame).

import {
  formatMac, isGroupMac, LayerKind, type IcmpLayer, type VxlanLayer, type Ipv4Layer, type JsonValue, type Layer,
} from '../decode/index.js';
import { DEFAULT_LIMITS, OverflowLog, type AnalysisLimits, type Overflow } from './limits.js';
import type { AnalysisFrame, Change, Engine, EngineOptions } from './types.js';
import { compareVteps, OverlayTopology, VtepAddresses } from './overlay-context.js';
import { InnerFeeder } from './overlay-inner.js';
import { OverlayMtu } from './overlay-mtu.js';
import { TunnelTable, VniState, type OverlayFdbEntry, type Tunnel } from './overlay-tables.js';

/** Linux vxlan default FDB ageing (`ageing 300`). */
export const VXLAN_AGEING_SECONDS = 300;
/** The VXLAN I flag: the VNI is valid; the kernel drops packets without it. */
const FLAG_I = 0x08;
/** Keys of a `vnis[]` entry that inner engines' names may not take. */
const VNI_KEYS = new Set(['vni', 'frames', 'vteps', 'macs', 'learning', 'deviceMtu', 'largestInner']);

export class OverlayEngine implements Engine {
  readonly name = 'overlay';
  private addresses = new VtepAddresses();
  private topo: OverlayTopology;
  private tunnels: TunnelTable;
  private vnis = new Map<number, VniState>();
  private mtu: OverlayMtu;
  private readonly vxlanPorts: Uint8Array;
  private inner: InnerFeeder;
  private lastVni: VniState | null = null;
  /** VXLAN packets ignored: no I flag, or no IP/UDP header before them. */
  private ignored = 0;
  private lastSec = 0;
  private readonly limits: AnalysisLimits;
  private overflow = new OverflowLog();
  private readonly isVxlanPort = (port: number): boolean => port >= 0 && port < 65536 && this.vxlanPorts[port] === 1;

  constructor(private readonly options: EngineOptions, private readonly innerEngines?: (vni: number) => Engine[]) {
    this.limits = options.limits ?? DEFAULT_LIMITS;
    this.vxlanPorts = new Uint8Array(65536);
    for (const p of options.vxlanPorts) if (p >= 0 && p < 65536) this.vxlanPorts[p] = 1;
    this.topo = new OverlayTopology(options.topology, this.addresses);
    this.tunnels = new TunnelTable(this.addresses);
    this.mtu = new OverlayMtu(this.topo);
    this.inner = new InnerFeeder(this.addresses);
  }

  /** Engine.stepBatch: this class's own loop, so the call to step() is direct and can be inlined. */
  stepBatch(frames: readonly AnalysisFrame[], outs: readonly Change[][], count: number): void {
    for (let k = 0; k < count; k++) this.step(frames[k], outs[k]);
  }

  step(frame: AnalysisFrame, out: Change[]): void {
    if (frame.copy.isCopy) return;
    this.lastSec = frame.tsSec;
    const list = frame.layers;
    if ((list.has & ((1 << LayerKind.Vxlan) | (1 << LayerKind.Icmp))) === 0) return; // most frames
    const items = list.items;
    const n = list.count;
    let vxlanIndex = -1;
    let level = 0;
    const kinds = list.kinds;
    for (let i = 0; i < n; i++) {
      const kind = kinds[i];
      if (kind === LayerKind.Vxlan) {
        // The inner frame runs to the next VXLAN header (nested) or the end.
        let next = i + 1;
        while (next < n && kinds[next] !== LayerKind.Vxlan) next++;
        this.vxlanPacket(frame, items, i, next, ++level, out);
        vxlanIndex = i;
      } else if (kind === LayerKind.Icmp && i > 0 && kinds[i - 1] === LayerKind.Ipv4) {
        const icmp = items[i] as IcmpLayer;
        if (icmp.type === 3 && icmp.code === 4) this.fragNeeded(frame, items, i, vxlanIndex, out);
      }
    }
  }

  private vxlanPacket(frame: AnalysisFrame, items: Layer[], i: number, end: number, level: number, out: Change[]): void {
    const vx = items[i] as VxlanLayer;
    const udp = i >= 2 ? items[i - 1] : null;
    const ip = i >= 2 ? items[i - 2] : null;
    if ((vx.flags & FLAG_I) === 0 || udp === null || udp.proto !== 'udp' || ip === null ||
      (ip.proto !== 'ipv4' && ip.proto !== 'ipv6') || (ip.proto === 'ipv4' && ip.partial)) {
      this.ignored++;
      return;
    }
    const vni = vx.vni;
    const src = this.addresses.idOf(ip, false);
    const dst = this.addresses.idOf(ip, true);
    const port = this.isVxlanPort(udp.dport) ? udp.dport : this.isVxlanPort(udp.sport) ? udp.sport : udp.dport;

    const state = this.vniState(vni, frame.no, out);
    if (state === null) return;
    state.frames++;
    let tunnel = this.tunnels.find(vni, port, src, dst);
    if (tunnel === null) {
      if (this.tunnels.all.length >= this.limits.overlayTunnels) {
        this.overflow.hit('tunnels', null, this.limits.overlayTunnels, 'refused', frame.no, 'tunnels', out);
        return;
      }
      tunnel = this.tunnels.add(vni, port, src, dst, frame.no);
      state.vteps.add(src);
      if (!(ip.proto === 'ipv4' && ip.dst >>> 28 === 0xe)) state.vteps.add(dst); // not a multicast group
      this.countDirection(tunnel, level, frame, src, dst);
      const local = this.tunnels.localOf(tunnel, this.topo.localVteps);
      out.push({
        frame: frame.no, kind: 'tunnel.new', vni, local: this.addresses.text(local),
        remote: this.addresses.text(local === tunnel.a ? tunnel.b : tunnel.a), port, localBy: this.tunnels.lastRule,
      });
    } else {
      this.countDirection(tunnel, level, frame, src, dst);
    }
    tunnel.frames++;
    tunnel.lastFrame = frame.no;

    // The inner frame: Ethernet first; its IPv4 header when there is one.
    const eth = i + 1 < end ? items[i + 1] : null;
    let innerIp: Ipv4Layer | null = null;
    let innerIpIndex = -1;
    for (let k = i + 2; k < end; k++) {
      const l = items[k];
      if (l.proto === 'ipv4') { innerIp = l; innerIpIndex = k; break; }
      if (l.proto !== 'vlan') break;
    }
    if (innerIp !== null && !innerIp.partial && innerIp.totalLength > state.largestInner) state.largestInner = innerIp.totalLength;
    if (eth !== null && eth.proto === 'eth') this.learn(frame, state, eth.src, src, out);

    // MTU checks only for what can be trouble: reassembled or large packets.
    if (ip.proto === 'ipv4' && (ip.reassembled || ip.totalLength > 576 || (innerIp !== null && innerIp.reassembled))) {
      const innerIsCarrier = end < frame.layers.count && innerIpIndex === end - 2;
      this.mtu.vxlanPacket(frame, level, vni, ip, udp, this.addresses.text(src), this.addresses.text(dst), innerIp, innerIsCarrier, out);
    }
    if (state.engines.length > 0) this.inner.feed(frame, vni, state.engines, frame.layers, i + 1, end, src, out);
  }

  /** Capture direction evidence of the local end (outermost level only: inner levels are not this host's). */
  private countDirection(tunnel: Tunnel, level: number, frame: AnalysisFrame, src: number, dst: number): void {
    if (level !== 1 || frame.direction === null) return;
    if ((frame.direction === 'out' ? src : dst) === tunnel.a) tunnel.votesA++;
    else tunnel.votesB++;
  }

  private learn(frame: AnalysisFrame, state: VniState, mac: number, vtep: number, out: Change[]): void {
    if (mac === 0 || isGroupMac(mac)) return;
    const entry = state.fdb.get(mac);
    if (entry === undefined || frame.tsSec - entry.lastSec > VXLAN_AGEING_SECONDS) {
      const aged = entry !== undefined;
      if (!aged && state.fdb.size >= this.limits.overlayFdbEntries) {
        this.overflow.hit('overlay-fdb', `VNI ${state.vni}`, this.limits.overlayFdbEntries, 'refused', frame.no, 'entries', out);
        return;
      }
      state.fdb.set(mac, {
        mac, vtep, firstFrame: frame.no, learnedFrame: frame.no, lastFrame: frame.no, lastSec: frame.tsSec, frames: 1, moves: 0,
      });
      const change: Change = aged
        ? { frame: frame.no, kind: 'overlay.learn', vni: state.vni, mac: formatMac(mac), vtep: this.addresses.text(vtep), afterAgeing: true }
        : { frame: frame.no, kind: 'overlay.learn', vni: state.vni, mac: formatMac(mac), vtep: this.addresses.text(vtep) };
      out.push(change);
      return;
    }
    entry.lastFrame = frame.no;
    entry.lastSec = frame.tsSec;
    entry.frames++;
    if (entry.vtep !== vtep) {
      out.push({
        frame: frame.no, kind: 'overlay.move', vni: state.vni, mac: formatMac(mac),
        from: this.addresses.text(entry.vtep), to: this.addresses.text(vtep),
      });
      entry.vtep = vtep;
      entry.learnedFrame = frame.no;
      entry.moves++;
    }
  }

  private fragNeeded(frame: AnalysisFrame, items: Layer[], i: number, vxlanIndex: number, out: Change[]): void {
    const ip = items[i - 1] as Ipv4Layer;
    const icmp = items[i];
    if (icmp.proto !== 'icmp') return;
    if (vxlanIndex >= 0) {
      const vx = items[vxlanIndex] as VxlanLayer;
      const outer = items[vxlanIndex - 2];
      const from = outer !== undefined && (outer.proto === 'ipv4' || outer.proto === 'ipv6')
        ? this.addresses.text(this.addresses.idOf(outer, false)) : '?';
      this.mtu.fragNeeded(frame, ip, icmp, { vni: vx.vni, where: `carried inside VNI ${vx.vni} from VTEP ${from}` }, out);
      return;
    }
    const context = this.mtu.contextOutsideTunnel(frame, icmp, this.isVxlanPort);
    if (context !== null) this.mtu.fragNeeded(frame, ip, icmp, context, out);
  }

  /** The VNI's state, created on first use; null when the engine already follows overlayVnis VNIs. */
  private vniState(vni: number, no: number, out: Change[]): VniState | null {
    const last = this.lastVni;
    if (last !== null && last.vni === vni) return last;
    let state = this.vnis.get(vni);
    if (state === undefined) {
      if (this.vnis.size >= this.limits.overlayVnis) {
        this.overflow.hit('vni', null, this.limits.overlayVnis, 'refused', no, 'VNIs', out);
        return null;
      }
      state = new VniState(vni, this.innerEngines ? this.innerEngines(vni) : []);
      this.vnis.set(vni, state);
    }
    this.lastVni = state;
    return state;
  }

  report(): JsonValue {
    const a = this.addresses;
    const tunnels = [...this.tunnels.all]
      .map((t) => {
        const local = this.tunnels.localOf(t, this.topo.localVteps);
        return { t, local, remote: local === t.a ? t.b : t.a, by: this.tunnels.lastRule };
      })
      .sort((x, y) => x.t.vni - y.t.vni || compareVteps(a, x.local, y.local) || compareVteps(a, x.remote, y.remote) || x.t.port - y.t.port)
      .map(({ t, local, remote, by }) => ({
        vni: t.vni, local: a.text(local), remote: a.text(remote), port: t.port, frames: t.frames,
        firstFrame: t.firstFrame, lastFrame: t.lastFrame, localBy: by,
      }));
    const states = [...this.vnis.values()].sort((x, y) => x.vni - y.vni);
    const fdb: JsonValue[] = [];
    const vnis: JsonValue[] = [];
    for (const s of states) {
      const alive = [...s.fdb.values()].filter((e) => this.lastSec - e.lastSec <= VXLAN_AGEING_SECONDS).sort((x, y) => x.mac - y.mac);
      for (const e of alive) fdb.push(this.entryJson(s.vni, e));
      const device = this.topo.byVni.get(s.vni);
      const o: { [key: string]: JsonValue } = {
        vni: s.vni,
        frames: s.frames,
        vteps: [...s.vteps].sort((x, y) => compareVteps(a, x, y)).map((v) => a.text(v)),
        macs: alive.length,
        learning: device ? device.learning : null,
        deviceMtu: device?.mtu ?? null,
        largestInner: s.largestInner,
      };
      for (const engine of s.engines) o[VNI_KEYS.has(engine.name) ? `engine:${engine.name}` : engine.name] = engine.report();
      vnis.push(o);
    }
    return { tunnels, fdb, mtu: this.mtu.report(), mtuCounts: this.mtu.countsReport(), vnis, ignored: this.ignored };
  }

  private entryJson(vni: number, e: OverlayFdbEntry): JsonValue {
    return {
      vni, mac: formatMac(e.mac), vtep: this.addresses.text(e.vtep), firstFrame: e.firstFrame, learnedFrame: e.learnedFrame,
      lastFrame: e.lastFrame, frames: e.frames, moves: e.moves,
    };
  }

  clone(): OverlayEngine {
    const c = new OverlayEngine(this.options, this.innerEngines);
    c.addresses = this.addresses.copy();
    c.topo = new OverlayTopology(this.options.topology, c.addresses);
    c.tunnels = this.tunnels.copy(c.addresses);
    c.mtu = this.mtu.copy(c.topo);
    c.inner = new InnerFeeder(c.addresses);
    for (const [vni, s] of this.vnis) c.vnis.set(vni, s.copy());
    c.ignored = this.ignored;
    c.lastSec = this.lastSec;
    c.overflow.copyFrom(this.overflow);
    return c;
  }

  /** Its own tables' overflows and those of the bridge and ARP engines run per VNI. */
  overflows(): readonly Overflow[] {
    const all = this.overflow.list();
    for (const s of this.vnis.values()) {
      for (const e of s.engines) for (const o of e.overflows?.() ?? []) all.push({ ...o, name: o.name?.startsWith('VNI ') ? o.name : `VNI ${s.vni} ${o.name ?? ''}`.trim() });
    }
    return all;
  }
}
