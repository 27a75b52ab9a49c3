// MTU trouble on a VXLAN overlay. Encapsulation adds 50 bytes (outer IPv4 20, UDP 8,
// VXLAN 8, inner Ethernet 14) to every inner IPv4 packet, so an overlay over a
// 1500-byte underlay carries at most 1450-byte inner packets. What the frames show:
//
// * outer-fragmented: a VXLAN datagram that crossed the underlay in IPv4 fragments
//   (the inner packet + 50 did not fit the underlay MTU: the VXLAN device's MTU is
//   too large). Seen on the frame that completes the reassembly (the decoder
//   reassembles; a datagram whose fragments were not all captured is not counted).
// * oversize: an unfragmented VXLAN packet larger than the capture interface's MTU
//   (only with a topology that gives that MTU): a GSO super-packet seen before
//   segmentation, or a packet the path will fragment or drop.
// * inner-fragmented: an inner IPv4 packet carried in fragments, split before
//   encapsulation by its sender or a router to fit the overlay MTU. Counted once per
//   datagram, on the frame whose fragment completes it.
// * frag-needed: ICMP destination unreachable / fragmentation needed (type 3 code 4)
//   about the overlay: inside a tunnel; in the underlay quoting a VXLAN datagram;
//   captured on a VXLAN device, its bridge or a port of that bridge (topology; this
//   is where the vxlan driver's bridged PMTU discovery injects its ICMP); or whose
//   next-hop MTU is a VXLAN device's MTU (topology) or 1450, the MTU a VXLAN overlay
//   leaves of a 1500-byte underlay. The same ICMP seen again within 10 ms (on the
//   underlay inside VXLAN and decapsulated on the VXLAN device) counts once.
//
// Each occurrence emits an 'overlay.mtu' change { problem, vni (null when unknown),
// src, dst, mtu, reason } plus: size and fragments (outer-fragmented: the whole outer
// datagram), size (oversize), id and fragments (inner-fragmented: src/dst are the
// inner packet's), to and size (frag-needed: src is the ICMP's sender, dst the
// destination of the packet that did not fit, `to` the host told, size that packet's
// length). The report groups them by (problem, VNI, src, dst, MTU) with counts, and
// `mtuCounts` totals each problem.

import { formatIpv4, type IcmpLayer, type Ipv4Layer, type JsonValue, type UdpLayer } from '../decode/index.js';
import type { AnalysisFrame, Change } from './types.js';
import type { OverlayDevice, OverlayTopology } from './overlay-context.js';

/** Outer IPv4 + UDP + VXLAN + inner Ethernet header bytes. */
export const VXLAN_OVERHEAD = 50;
/** Underlay MTU assumed when the topology does not give one. */
export const DEFAULT_UNDERLAY_MTU = 1500;
const DUPLICATE_WINDOW_NS = 10_000_000;
/** Groups checked before a group's key is built (OverlayMtu.recentGroups). */
const RECENT_GROUPS = 8;

export type MtuProblem = 'outer-fragmented' | 'oversize' | 'inner-fragmented' | 'frag-needed';
const PROBLEMS: readonly MtuProblem[] = ['outer-fragmented', 'oversize', 'inner-fragmented', 'frag-needed'];

/** One kind of MTU trouble between two hosts: also its entry in the report (`overlay.mtu`). */
export interface MtuGroup {
  problem: MtuProblem;
  vni: number | null;
  src: string;
  dst: string;
  mtu: number | null;
  count: number;
  firstFrame: number;
  lastFrame: number;
  /** The reason of the first occurrence. */
  reason: string;
}

/** An 'overlay.mtu' change: the common fields, then the problem's own (see the top of this file), then reason. */
interface MtuChange extends Change {
  kind: 'overlay.mtu';
  problem: MtuProblem;
  vni: number | null;
  src: string;
  dst: string;
  mtu: number | null;
  reason: string;
}

/** Where a frag-needed ICMP was seen: what makes it the overlay's business. */
export interface FragNeededContext {
  /** VNI it concerns, null when unknown. */
  vni: number | null;
  /** Sentence fragment saying where / why, appended to the reason. */
  where: string;
}

const hex16 = (n: number) => '0x' + n.toString(16).padStart(4, '0');

export class OverlayMtu {
  private groups = new Map<string, MtuGroup>();
  private counts = new Map<MtuProblem, number>();
  // The last frag-needed counted (sender, quoted destination, quoted id, MTU, time), to drop its other views.
  private lastIcmpFrom = -1;
  private lastIcmpAbout = -1;
  private lastIcmpId = -1;
  private lastIcmpMtu = -1;
  private lastIcmpSec = 0;
  private lastIcmpNsec = 0;
  /** The last outer-fragmented reason and what it was made from. */
  private readonly outerReason = {
    src: '', dst: '', vni: -1, size: -1, fragments: -1, inner: 0, known: null as number | null, iface: null as string | null, text: '',
  };
  /**
   * The groups added to last, most recent first: their keys are not rebuilt while occurrences
   * repeat them. Several, because a fragmented exchange alternates between its two directions.
   */
  private readonly recentGroups: MtuGroup[] = [];

  constructor(private readonly topo: OverlayTopology) {}

  /**
   * A VXLAN packet at nesting `level` (1 = outermost) carried by `ip`/`udp`.
   * `innerIp` is the inner frame's IPv4 header (null when not IPv4); `innerIsCarrier`
   * when that header carries a deeper VXLAN level (its fragmentation is that level's).
   */
  vxlanPacket(frame: AnalysisFrame, level: number, vni: number, ip: Ipv4Layer, udp: UdpLayer,
    srcText: string, dstText: string, innerIp: Ipv4Layer | null, innerIsCarrier: boolean, out: Change[]): void {
    if (ip.reassembled) {
      const size = ip.headerLength + udp.length;
      const known = level === 1 ? this.topo.mtuOf(frame.iface) : null;
      const mtu = known ?? DEFAULT_UNDERLAY_MTU;
      // A fragmented flow repeats the same sentence packet after packet: made once per change of its inputs.
      const inner = innerIp !== null ? innerIp.totalLength : -1 - udp.length;
      const memo = this.outerReason;
      if (memo.src !== srcText || memo.dst !== dstText || memo.vni !== vni || memo.size !== size || memo.fragments !== ip.fragmentCount ||
        memo.inner !== inner || memo.known !== known || memo.iface !== frame.iface) {
        const innerText = innerIp !== null ? `its inner ${innerIp.totalLength}-byte IPv4 packet` : `its ${udp.length - 16}-byte inner frame`;
        memo.text = `The VXLAN packet ${srcText} → ${dstText} (VNI ${vni}) was ${size} bytes, so it crossed the underlay in ` +
          `${ip.fragmentCount} IPv4 fragments: ${innerText} plus ${VXLAN_OVERHEAD} bytes of VXLAN, UDP, IPv4 and Ethernet headers ` +
          `exceeds the ${mtu}-byte underlay MTU${known === null ? ' (assumed)' : ` of ${frame.iface}`}. ` +
          `The overlay's MTU is too large: it should be at most ${mtu - VXLAN_OVERHEAD}.`;
        Object.assign(memo, { src: srcText, dst: dstText, vni, size, fragments: ip.fragmentCount, inner, known, iface: frame.iface });
      }
      const reason = memo.text;
      this.add(frame, {
        frame: frame.no, kind: 'overlay.mtu', problem: 'outer-fragmented', vni, src: srcText, dst: dstText, mtu,
        size, fragments: ip.fragmentCount, reason,
      }, out);
    } else if (level === 1 && ip.totalLength > 576 && !ip.mf && ip.fragOffset === 0) {
      const mtu = this.topo.mtuOf(frame.iface);
      if (mtu !== null && ip.totalLength > mtu) {
        const reason = `The VXLAN packet ${srcText} → ${dstText} (VNI ${vni}) is ${ip.totalLength} bytes, more than the ${mtu}-byte ` +
          `MTU of ${frame.iface}: the capture saw it before segmentation (GSO), or the underlay will fragment or drop it.`;
        this.add(frame, {
          frame: frame.no, kind: 'overlay.mtu', problem: 'oversize', vni, src: srcText, dst: dstText, mtu, size: ip.totalLength, reason,
        }, out);
      }
    }
    if (innerIp !== null && innerIp.reassembled && !innerIsCarrier) {
      const isrc = formatIpv4(innerIp.src >>> 0);
      const idst = formatIpv4(innerIp.dst >>> 0);
      const device = this.topo.byVni.get(vni);
      const deviceText = device?.mtu != null ? ` (the overlay device ${device.name} has MTU ${device.mtu})` : '';
      const reason = `The IPv4 packet ${isrc} → ${idst} (id ${hex16(innerIp.id)}) crossed VNI ${vni} from VTEP ${srcText} in ` +
        `${innerIp.fragmentCount} fragments: its sender or a router split it before encapsulation to fit a smaller MTU on ` +
        `its path, the overlay's or a path MTU learnt from ICMP${deviceText}.`;
      this.add(frame, {
        frame: frame.no, kind: 'overlay.mtu', problem: 'inner-fragmented', vni, src: isrc, dst: idst, mtu: device?.mtu ?? null,
        id: innerIp.id, fragments: innerIp.fragmentCount, reason,
      }, out);
    }
  }

  /** An ICMP fragmentation-needed message (`icmp`, carried by `ip`) the overlay is concerned with. */
  fragNeeded(frame: AnalysisFrame, ip: Ipv4Layer, icmp: IcmpLayer, context: FragNeededContext, out: Change[]): void {
    const quoted = icmp.quoted.count > 0 ? icmp.quoted.items[0] : null;
    const q = quoted !== null && quoted.proto === 'ipv4' ? quoted : null;
    const about = q !== null ? q.dst >>> 0 : -1;
    const qid = q !== null ? q.id : -1;
    const from = ip.src >>> 0;
    const dtNs = (frame.tsSec - this.lastIcmpSec) * 1e9 + (frame.tsNsec - this.lastIcmpNsec);
    if (from === this.lastIcmpFrom && about === this.lastIcmpAbout && qid === this.lastIcmpId &&
      icmp.mtu === this.lastIcmpMtu && dtNs >= 0 && dtNs <= DUPLICATE_WINDOW_NS) return;
    this.lastIcmpFrom = from;
    this.lastIcmpAbout = about;
    this.lastIcmpId = qid;
    this.lastIcmpMtu = icmp.mtu;
    this.lastIcmpSec = frame.tsSec;
    this.lastIcmpNsec = frame.tsNsec;
    const fromText = formatIpv4(from);
    const toText = formatIpv4(ip.dst >>> 0);
    const aboutText = about >= 0 ? formatIpv4(about) : '?';
    const what = q !== null
      ? `a ${q.totalLength}-byte packet ${formatIpv4(q.src >>> 0)} → ${aboutText} with Don't Fragment set`
      : 'a packet with Don\'t Fragment set';
    const reason = `${fromText} told ${toText} that ${what} does not fit: fragmentation needed, next-hop MTU ${icmp.mtu}` +
      ` (${context.where}).`;
    this.add(frame, {
      frame: frame.no, kind: 'overlay.mtu', problem: 'frag-needed', vni: context.vni, src: fromText, dst: aboutText, mtu: icmp.mtu,
      to: toText, size: q?.totalLength ?? null, reason,
    }, out);
  }

  /** Why a frag-needed seen outside a tunnel concerns the overlay, or null when it does not. */
  contextOutsideTunnel(frame: AnalysisFrame, icmp: IcmpLayer, isVxlanPort: (port: number) => boolean): FragNeededContext | null {
    const quoted = icmp.quoted;
    if (quoted.count >= 2 && quoted.items[1].proto === 'udp') {
      const qudp = quoted.items[1];
      if (isVxlanPort(qudp.dport) || isVxlanPort(qudp.sport)) {
        const qvx = quoted.count >= 3 && quoted.items[2].proto === 'vxlan' ? quoted.items[2] : null;
        return {
          vni: qvx?.vni ?? null,
          where: 'in the underlay, about a VXLAN packet: the underlay path between the VTEPs is smaller than the VXLAN packets',
        };
      }
    }
    const device: OverlayDevice | undefined = frame.iface !== null ? this.topo.overlayIfaces.get(frame.iface) : undefined;
    if (device !== undefined) {
      const on = frame.iface === device.name ? `the VXLAN device ${device.name}` : `${frame.iface}, bridged with the VXLAN device ${device.name}`;
      return { vni: device.vni, where: `seen on ${on} (VNI ${device.vni}${device.mtu !== null ? `, MTU ${device.mtu}` : ''})` };
    }
    const byMtu = this.topo.deviceWithMtu(icmp.mtu);
    if (byMtu !== null) {
      return { vni: byMtu.vni, where: `the next-hop MTU is the MTU of the VXLAN device ${byMtu.name} (VNI ${byMtu.vni}): the route leads into the overlay` };
    }
    if (icmp.mtu === DEFAULT_UNDERLAY_MTU - VXLAN_OVERHEAD) {
      return { vni: null, where: `${icmp.mtu} is the MTU a VXLAN overlay leaves of a ${DEFAULT_UNDERLAY_MTU}-byte underlay` };
    }
    return null;
  }

  report(): JsonValue {
    const list = [...this.groups.values()].sort((x, y) => x.firstFrame - y.firstFrame
      || (x.problem < y.problem ? -1 : x.problem > y.problem ? 1 : 0)
      || (x.src < y.src ? -1 : x.src > y.src ? 1 : 0) || (x.dst < y.dst ? -1 : x.dst > y.dst ? 1 : 0)
      || (x.vni ?? -1) - (y.vni ?? -1) || (x.mtu ?? -1) - (y.mtu ?? -1));
    return list.map((g) => ({
      problem: g.problem, vni: g.vni, src: g.src, dst: g.dst, mtu: g.mtu, count: g.count,
      firstFrame: g.firstFrame, lastFrame: g.lastFrame, reason: g.reason,
    }));
  }

  /** Occurrences per problem (every problem listed, zeros included). */
  countsReport(): { [problem: string]: number } {
    const out: { [problem: string]: number } = {};
    for (const p of PROBLEMS) out[p] = this.counts.get(p) ?? 0;
    return out;
  }

  copy(topo: OverlayTopology): OverlayMtu {
    const c = new OverlayMtu(topo);
    for (const [k, g] of this.groups) c.groups.set(k, { ...g });
    c.counts = new Map(this.counts);
    c.lastIcmpFrom = this.lastIcmpFrom;
    c.lastIcmpAbout = this.lastIcmpAbout;
    c.lastIcmpId = this.lastIcmpId;
    c.lastIcmpMtu = this.lastIcmpMtu;
    c.lastIcmpSec = this.lastIcmpSec;
    c.lastIcmpNsec = this.lastIcmpNsec;
    return c;
  }

  /**
   * Counts an occurrence, groups it and emits its change. The callers write the change as one
   * literal (frame, kind, problem, vni, src, dst, mtu, the problem's own fields, reason): an
   * object spread here went through V8's generic property copy for every occurrence.
   */
  private add(frame: AnalysisFrame, change: MtuChange, out: Change[]): void {
    const { problem, vni, src, dst, mtu, reason } = change;
    this.counts.set(problem, (this.counts.get(problem) ?? 0) + 1);
    const recent = this.recentGroups;
    let g: MtuGroup | null = null;
    for (let i = 0; i < recent.length; i++) {
      const r = recent[i];
      if (r.problem === problem && r.vni === vni && r.src === src && r.dst === dst && r.mtu === mtu) {
        g = r;
        break;
      }
    }
    if (g === null) {
      const key = `${problem} ${vni} ${src} ${dst} ${mtu}`;
      g = this.groups.get(key) ?? null;
      if (g === null) {
        g = { problem, vni, src, dst, mtu, count: 0, firstFrame: frame.no, lastFrame: frame.no, reason };
        this.groups.set(key, g);
      }
      if (recent.length === RECENT_GROUPS) recent.pop();
      recent.unshift(g);
    }
    g.count++;
    g.lastFrame = frame.no;
    out.push(change);
  }
}
