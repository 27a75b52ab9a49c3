// The bridge FDB engine: rebuilds what each Linux bridge learned (MAC -> port, per
// VLAN), what aged out, what moved, and how it switched frames.
//
// Where a frame entered the bridge is what matters, and captures show it differently:
// * Multi-interface pcapng (dumpcap: bridge + ports): a frame entering on a port is
//   captured on the port and on the bridge device, often with the SAME kernel
//   timestamp (one skb), so the time-sorted pipeline may hand the bridge copy first.
//   A frame first seen on the bridge device therefore waits for the end of its
//   timestamp group: a same-instant copy on a port means it entered there. With none,
//   the host sent it (its source is local) or, when the topology says the source is
//   not the host's, it entered through a port the capture does not show (port null).
//   A frame first seen on a port entered there (the port copy is never the later one).
// * SLL2 (`tcpdump -i any`): the direction says it. 'in' on a port is the ingress; 'in'
//   on the bridge device is the copy passed up to the host (never learned from); 'out'
//   on the bridge is the host's own traffic. The ifindex names the port through the
//   topology. Without one, an ifindex that receives a copy of a frame another ifindex
//   received first is the bridge and the other its port (reported as port null + ifindex).
// * One interface with no name (classic pcap of docker0): the device of a single unnamed
//   bridge: MACs are learned with port null. With one capture interface no copy can
//   follow, so frames on a bridge device are judged at once (frame.copy.alone), not at
//   the end of their timestamp group: each change lands in its own frame's step.
// * VXLAN: with a topology, a tunnelled frame addressed to a local VTEP that is a bridge
//   port enters that bridge on the VXLAN port (learned from the inner frame), unless
//   the capture has the VXLAN device itself, whose copy already shows it.
// Without a topology, interfaces named like bridges (docker0, br-*, br0, cni0, virbr*)
// are bridges and others become ports of the bridge their frames' copies appear on
// (two unknown interfaces sharing copies: ports of one unnamed bridge). The host's MACs
// are local: topology.localMacs(), or without a topology inferred from frames the
// bridge device sends while its ports are captured, and from frames a port sends that
// never reach the bridge (the host-side veth's own IPv6 traffic).
//
// Changes are kept few: 'fdb.learn', 'fdb.move' (from/to), 'fdb.expire', 'fdb.local' (a
// MAC found to be the host's) and 'fdb.flood' for unknown-unicast floods only (reason
// 'unknown-unicast'). Forwards, broadcast/multicast floods and deliveries to the host are
// counters of the report. SLL frames have no destination MAC: broadcast, multicast and
// to-host come from the packet type, other unicast is counted `undetermined`.
// Ageing runs on capture time: an entry idle for longer than ageingSeconds (strictly) is
// removed when the first frame past that time is processed. VLANs come from the frame's
// 802.1Q tag (Linux keeps them apart only with vlan_filtering on).
// Judgements wait at most the copy window (10 ms of capture time); those of the last
// frames are made by `finish()` at the end of input (report() accounts for them on a copy).

import { WINDOW_NS } from './copies.js';
import { isGroupMac, type JsonValue } from '../decode/index.js';
import { Observation, findVxlan, readLink, withSignature } from './fdb-frame.js';
import { Iface, Interfaces, ROLE_BRIDGE, ROLE_PORT, ROLE_UNKNOWN } from './fdb-ifaces.js';
import { Learner } from './fdb-learn.js';
import { DONE, GROUP_LIMIT, GroupRing, HeldQueue, PENDING_BRIDGE, PENDING_PORT, PENDING_UNKNOWN, type Rec } from './fdb-pending.js';
import { type Bridge, compareBridges } from './fdb-table.js';
import { DEFAULT_LIMITS, type Overflow } from './limits.js';
import type { AnalysisFrame, Change, Engine, EngineOptions } from './types.js';

export class FdbEngine implements Engine {
  readonly name = 'bridges';
  private ifs: Interfaces;
  private learner: Learner;
  private group = new GroupRing();
  private held = new HeldQueue();
  private groupSec = -Infinity;
  private groupNsec = 0;
  private readonly obs = new Observation();
  private readonly inner = new Observation();
  /** Frames seen only on interfaces not known to belong to any bridge (not learned from). */
  unattributedFrames = 0;

  constructor(private readonly options: EngineOptions) {
    this.ifs = new Interfaces(options.topology);
    const limits = options.limits ?? DEFAULT_LIMITS;
    this.ifs.maxInterfaces = limits.interfaces;
    this.learner = new Learner(this.ifs, options.ageingSeconds, limits.fdbEntries);
  }

  /** Engine.stepBatch: this class's own loop, so the call to step() is direct and can be inlined. */
  stepBatch(frames: readonly AnalysisFrame[], outs: readonly Change[][], count: number): void {
    for (let k = 0; k < count; k++) this.step(frames[k], outs[k]);
  }

  step(frame: AnalysisFrame, out: Change[]): void {
    const sec = frame.tsSec;
    const nsec = frame.tsNsec;
    if (sec !== this.groupSec || nsec !== this.groupNsec) {
      if (this.group.count > 0) this.closeGroup(out);
      this.groupSec = sec;
      this.groupNsec = nsec;
    }
    if (this.held.count > 0) this.releaseHeld(sec, nsec, out);
    this.learner.advance(sec, nsec, frame.no, out);
    const obs = this.obs;
    if (!readLink(frame.layers, 0, obs)) return;
    if (this.ifs.vteps.length > 0 && this.tunnel(frame, obs.next, out)) return;
    if (obs.src === 0 || isGroupMac(obs.src)) return; // the kernel drops frames with an invalid source
    const iface = this.ifs.lookup(Interfaces.keyOf(frame.ifaceId, frame.ifindex, obs.sll), frame.iface, frame.ifindex);
    if (iface === this.ifs.overflowIface) {
      this.learner.overflow.hit('interfaces', null, this.ifs.maxInterfaces, 'refused', frame.no, 'interfaces (SLL2 ifindexes)', out);
      return;
    }
    if (iface.role === ROLE_BRIDGE) (iface.bridge as Bridge).deviceSeen = true;
    if (frame.direction === null) this.undirected(frame, iface, obs, out);
    else this.directed(frame, iface, obs, out);
  }

  /** Make the judgements still waiting (end of input). */
  finish(out: Change[]): void {
    if (this.group.count > 0) this.closeGroup(out);
    while (this.held.count > 0) this.releaseOldest(false, out);
  }

  report(): JsonValue {
    if (this.group.count > 0 || this.held.count > 0) {
      const settled = this.clone();
      settled.finish([]);
      return settled.report();
    }
    return [...this.ifs.bridges.values()].sort(compareBridges).map((b) => b.toJson());
  }

  overflows(): readonly Overflow[] {
    if (this.group.count > 0 || this.held.count > 0) {
      const settled = this.clone(); // as report(): the judgements still waiting are made
      settled.finish([]);
      return settled.learner.overflow.list();
    }
    return this.learner.overflow.list();
  }

  clone(): FdbEngine {
    const c = new FdbEngine(this.options);
    const { copy, iface, entry } = this.ifs.clone();
    const bridge = (b: Bridge): Bridge => copy.bridges.get(b.id) as Bridge;
    c.ifs = copy;
    c.learner.ifs = copy;
    c.learner.overflow.copyFrom(this.learner.overflow);
    c.learner.nowSec = this.learner.nowSec;
    c.learner.nowNsec = this.learner.nowNsec;
    for (let e = this.learner.ageing.head; e !== null; e = e.next) c.learner.ageing.touch(entry(e), e.lastSec, e.lastNsec);
    c.groupSec = this.groupSec;
    c.groupNsec = this.groupNsec;
    this.group.copyInto(c.group, iface, bridge);
    this.held.copyInto(c.held, iface, bridge);
    c.unattributedFrames = this.unattributedFrames;
    return c;
  }

  // ---- captures without direction: pcapng without epb_flags, classic pcap ----

  private undirected(frame: AnalysisFrame, iface: Iface, obs: Observation, out: Change[]): void {
    const copy = frame.copy;
    if (copy.isCopy) {
      if (this.group.count > 0) {
        const r = this.group.byNo(copy.firstNo);
        if (r !== null) return this.tie(r, iface, out);
      }
      if (this.held.byNo.size > 0) {
        const r = this.held.byNo.get(copy.firstNo);
        if (r !== undefined) return this.copySeen(r, iface, out);
      }
      // An egress copy: nothing to learn, but it tells where unknown interfaces belong.
      if (this.ifs.unknown > 0) this.ifs.correlate(copy.firstIface, iface);
      return;
    }
    if (this.group.tunnelled > 0 && this.group.bySignature(withSignature(frame.layers, obs)) !== null) return; // a copy of a decapsulated frame
    const bridge = iface.bridge;
    switch (iface.role) {
      case ROLE_PORT:
        if (this.ifs.localMacs.has(obs.src)) {
          // The host's own MAC leaving a port: the port device sent it, the bridge did not receive it.
          this.learner.touchLocal(bridge as Bridge, obs.src, obs.vlan, frame.no, out);
        } else if (iface.fixed || this.ifs.hasTopology || !(bridge as Bridge).deviceSeen) {
          this.learner.ingress(bridge as Bridge, iface, frame.no, obs, out);
        } else this.hold(frame, obs, iface, bridge, PENDING_PORT, false, out);
        return;
      case ROLE_BRIDGE:
        this.firstOnBridge(frame, obs, iface, bridge as Bridge, false, out);
        return;
      case ROLE_UNKNOWN:
        this.hold(frame, obs, iface, null, PENDING_UNKNOWN, false, out);
        return;
      default:
        return;
    }
  }

  // ---- captures with direction: SLL2, pcapng with epb_flags ----

  private directed(frame: AnalysisFrame, iface: Iface, obs: Observation, out: Change[]): void {
    if (frame.direction === 'out') {
      // The bridge device sending is the host; 'out' on a port is egress or the port's own traffic.
      if (iface.role === ROLE_BRIDGE) this.learner.fromHost(iface.bridge as Bridge, frame.no, obs, !this.ifs.hasTopology, out);
      return;
    }
    if (this.group.tunnelled > 0 && this.group.bySignature(withSignature(frame.layers, obs)) !== null) return;
    switch (iface.role) {
      case ROLE_PORT: {
        if (frame.copy.isCopy && this.group.count > 0) {
          const r = this.group.byNo(frame.copy.firstNo);
          if (r !== null) return this.tie(r, iface, out);
        }
        this.learner.ingress(iface.bridge as Bridge, iface, frame.no, obs, out);
        return;
      }
      case ROLE_BRIDGE: {
        const bridge = iface.bridge as Bridge;
        if (this.held.directed > 0) {
          const r = this.held.bySignature(withSignature(frame.layers, obs), iface);
          if (r !== null && r.state === PENDING_UNKNOWN) return this.resolveUnknown(r, bridge, out);
        }
        // SLL2: the copy passed up to the host (every port is in an `-i any` capture). With
        // epb_flags, a first copy on the bridge came through a port the capture does not have.
        if (!obs.sll && !frame.copy.isCopy) this.firstOnBridge(frame, obs, iface, bridge, true, out);
        return;
      }
      case ROLE_UNKNOWN: {
        if (this.held.directed > 0) {
          const r = this.held.bySignature(withSignature(frame.layers, obs), iface);
          if (r !== null && r.state === PENDING_UNKNOWN) return this.resolveUnknown(r, this.ifs.promote(iface), out);
        }
        this.hold(frame, obs, iface, null, PENDING_UNKNOWN, true, out);
        return;
      }
      default:
        return;
    }
  }

  // ---- waiting frames ----

  /**
   * A frame first seen on a bridge device waits for the end of its timestamp group (a port
   * copy would say where it entered), unless no copy can follow (one capture interface, no
   * VXLAN port to match decapsulated frames against): then it is judged now, as closeGroup would.
   */
  private firstOnBridge(frame: AnalysisFrame, obs: Observation, iface: Iface, bridge: Bridge, directed: boolean, out: Change[]): void {
    if (frame.copy.alone === true && bridge.tunnelPorts === 0) this.judgeBridgeFrame(bridge, directed, frame.no, obs, out);
    else this.toGroup(frame, obs, iface, bridge, PENDING_BRIDGE, directed, out);
  }

  private toGroup(frame: AnalysisFrame, obs: Observation, iface: Iface, bridge: Bridge | null, state: number, directed: boolean, out: Change[]): void {
    if (this.group.count === GROUP_LIMIT) this.closeGroup(out);
    // Signatures match tunnelled frames with their copies: only needed on bridges with VXLAN ports.
    if (bridge !== null && bridge.tunnelPorts > 0) withSignature(frame.layers, obs);
    this.group.push().set(frame.no, obs, iface, bridge, state, directed, this.groupSec, this.groupNsec);
  }

  private hold(frame: AnalysisFrame, obs: Observation, iface: Iface, bridge: Bridge | null, state: number, directed: boolean, out: Change[]): void {
    if (this.held.full) this.releaseOldest(true, out);
    if (directed) withSignature(frame.layers, obs);
    const r = this.held.push();
    r.set(frame.no, obs, iface, bridge, state, directed, frame.tsSec, frame.tsNsec);
    if (directed) this.held.directed++;
    else this.held.byNo.set(frame.no, r);
  }

  /** A same-instant copy of a frame first seen on the bridge device: on a port, that port is the ingress. */
  private tie(r: Rec, iface: Iface, out: Change[]): void {
    if (r.state !== PENDING_BRIDGE) return;
    const bridge = r.bridge as Bridge;
    if (iface.role === ROLE_UNKNOWN) this.ifs.attach(iface, bridge);
    if (iface.role !== ROLE_PORT || iface.bridge !== bridge) return;
    r.state = DONE;
    this.learner.ingress(bridge, iface, r.no, r.obs, out);
  }

  /** A later copy of a held (undirected) frame, captured on `iface`. */
  private copySeen(r: Rec, iface: Iface, out: Change[]): void {
    if (r.state === PENDING_PORT) {
      // Seen on the bridge side too (its device, or forwarded to another port): the bridge received it.
      if ((iface.role === ROLE_BRIDGE || iface.role === ROLE_PORT) && iface.bridge === r.bridge) {
        this.settle(r);
        this.learner.ingress(r.bridge as Bridge, r.iface, r.no, r.obs, out);
      }
    } else if (r.state === PENDING_UNKNOWN) {
      if (iface.role === ROLE_BRIDGE || iface.role === ROLE_PORT) this.resolveUnknown(r, iface.bridge as Bridge, out);
      else if (iface.role === ROLE_UNKNOWN) {
        const bridge = this.ifs.bridge(null); // two ports of a bridge the capture does not name
        this.ifs.attach(iface, bridge);
        this.resolveUnknown(r, bridge, out);
      }
    }
  }

  /** A frame held on an unknown interface reached `bridge`: the interface is one of its ports. */
  private resolveUnknown(r: Rec, bridge: Bridge, out: Change[]): void {
    const port = r.iface as Iface;
    this.ifs.attach(port, bridge);
    if (port.role !== ROLE_PORT || port.bridge !== bridge) return;
    this.settle(r);
    this.learner.ingress(bridge, port, r.no, r.obs, out);
  }

  private settle(r: Rec): void {
    if (r.directed) this.held.directed--;
    else this.held.byNo.delete(r.no);
    r.state = DONE;
  }

  /** The timestamp group is over: judge the frames first seen on a bridge device with no port copy. */
  private closeGroup(out: Change[]): void {
    const n = this.group.count;
    this.group.count = 0;
    this.group.tunnelled = 0;
    for (let i = 0; i < n; i++) {
      const r = this.group.recs[i];
      if (r.state !== PENDING_BRIDGE) continue;
      r.state = DONE;
      this.judgeBridgeFrame(r.bridge as Bridge, r.directed, r.no, r.obs, out);
    }
  }

  /** A frame first seen on the bridge device, with no copy on a port: it came from the host or a port not captured. */
  private judgeBridgeFrame(bridge: Bridge, directed: boolean, no: number, obs: Observation, out: Change[]): void {
    const learner = this.learner;
    if (directed) learner.ingress(bridge, null, no, obs, out);
    else if (this.ifs.hasTopology) {
      if (this.ifs.localMacs.has(obs.src)) learner.fromHost(bridge, no, obs, false, out);
      else learner.ingress(bridge, null, no, obs, out);
    } else if (bridge.portCount > 0) learner.fromHost(bridge, no, obs, true, out);
    else learner.ingress(bridge, null, no, obs, out); // the bridge alone: who sent what cannot be told
  }

  /** Judge the held frames whose copy window has passed. */
  private releaseHeld(sec: number, nsec: number, out: Change[]): void {
    for (let r = this.held.peek(); r !== null; r = this.held.peek()) {
      if ((sec - r.sec) * 1e9 + (nsec - r.nsec) <= WINDOW_NS) return;
      this.releaseOldest(false, out);
    }
  }

  /** `early`: the queue is full, the window has not passed; a port's frame is then taken as received. */
  private releaseOldest(early: boolean, out: Change[]): void {
    const r = this.held.peek() as Rec;
    this.held.shift();
    if (r.state === DONE) return;
    const state = r.state;
    this.settle(r);
    if (state === PENDING_PORT) {
      if (early) this.learner.ingress(r.bridge as Bridge, r.iface, r.no, r.obs, out);
      // No copy on the bridge side, whose device is captured: the port device sent it itself.
      else this.learner.markLocal(r.bridge as Bridge, r.obs.src, r.obs.vlan, r.iface, r.no, out);
    } else this.unattributedFrames++;
  }

  /** VXLAN to or from a local VTEP (topology). True when the frame is this host's tunnel traffic. */
  private tunnel(frame: AnalysisFrame, from: number, out: Change[]): boolean {
    const list = frame.layers;
    const v = findVxlan(list, from);
    if (v < 0) return false;
    const t = this.ifs.vtepOf(list, v);
    if (t === null) return false; // not ours: the outer frame is what the capture shows
    // Sent by this VTEP (the inner frame entered the bridge elsewhere), or received while the
    // capture has the VXLAN device itself (its copy shows the ingress): nothing more here.
    if (!t.received || t.vtep.iface.captured || frame.copy.isCopy) return true;
    const { iface, bridge } = t.vtep;
    const inner = this.inner;
    if (!readLink(list, v + 1, inner) || inner.src === 0 || isGroupMac(inner.src)) return true;
    const r = this.group.bySignature(withSignature(list, inner));
    if (r !== null) this.tie(r, iface, out);
    else {
      this.toGroup(frame, inner, iface, bridge, DONE, false, out);
      this.group.tunnelled++;
      this.learner.ingress(bridge, iface, frame.no, inner, out);
    }
    return true;
  }
}
