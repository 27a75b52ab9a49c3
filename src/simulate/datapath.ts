// Layer 2: frames leaving and entering devices. A veth or cable hands the frame to its
// other end; a bridge learns the source MAC on the ingress port, then forwards to the
// learned port or floods (broadcast, multicast, unknown unicast) to every other port;
// a macvlan parent hands frames to the child whose MAC they carry; a frame too big for
// the port it would leave by is dropped, as Linux's is_skb_forwardable() does (the
// MTU plus 4 bytes of slack for a VLAN tag). Every device a frame
// crosses records it, as a capture on that device would (a bridge is promiscuous while
// captured, so it records every frame that enters it from a port).

import { isGroupMac } from '../decode/addr.js';
import { BRIDGE_NS, Scheduler, WIRE_NS } from './clock.js';
import { ipv4Length } from './packet-encode.js';
import type { EthFrame } from './packet-types.js';
import { nsInput } from './stack.js';
import { vxlanXmit } from './vxlan.js';
import type { Bridge, Device, Recorded } from './world.js';

/** is_skb_forwardable() allows a VLAN tag's 4 bytes beyond the MTU. */
const VLAN_SLACK = 4;

/** The IPv4 packet's length when `dev` may not take it (is_skb_forwardable()), else 0. */
function oversize(frame: EthFrame, dev: Device): number {
  const length = frame.body.kind === 'ipv4' ? ipv4Length(frame.body) : 0;
  return length > dev.mtu + VLAN_SLACK ? length : 0;
}

export class DataPath {
  readonly clock = new Scheduler();
  readonly recorded: Recorded[] = [];
  /** Sentences about traffic that went nowhere (no route, nothing listening on a wire). */
  readonly notes: string[] = [];

  record(dev: Device, frame: EthFrame, t: number): void {
    this.recorded.push({ capture: dev.capture, t, frame });
  }

  /** The frame leaves `dev` (sent by its namespace's stack). */
  xmit(dev: Device, frame: EthFrame, t: number): void {
    this.record(dev, frame, t);
    if (dev.bridge !== null) {
      this.forward(dev.bridge, null, frame, t + BRIDGE_NS);
    } else if (dev.vxlan !== null) {
      vxlanXmit(this, dev, frame, t);
    } else if (dev.parent !== null) {
      this.macvlanXmit(dev, frame, t);
    } else if (dev.peer !== null) {
      const peer = dev.peer;
      // a veth hands over only what fits its peer's MTU (is_skb_forwardable() again)
      const length = oversize(frame, peer);
      if (length > 0) {
        this.notes.push(`${peer.ns.name}: ${peer.name} dropped a ${length}-byte packet larger than its MTU ${peer.mtu}.`);
        return;
      }
      this.clock.at(t + WIRE_NS, () => this.receive(peer, frame, t + WIRE_NS));
    }
  }

  /** The frame arrives on `dev` from its wire (or, for a vxlan device, from the tunnel). */
  receive(dev: Device, frame: EthFrame, t: number): void {
    this.record(dev, frame, t);
    if (dev.master !== null) {
      const bridge = dev.master;
      this.clock.at(t + BRIDGE_NS, () => this.bridgeInput(bridge, dev, frame, t + BRIDGE_NS));
    } else if (dev.children.length > 0) {
      this.macvlanDemux(dev, frame, t);
    } else {
      nsInput(this, dev, frame, t);
    }
  }

  private bridgeInput(bridge: Bridge, port: Device, frame: EthFrame, t: number): void {
    if (!isGroupMac(frame.src)) bridge.fdb.set(frame.src, port);
    this.record(bridge.dev, frame, t);
    if (isGroupMac(frame.dst)) {
      this.flood(bridge, port, frame, t);
      nsInput(this, bridge.dev, frame, t);
    } else if (frame.dst === bridge.dev.mac) {
      nsInput(this, bridge.dev, frame, t);
    } else {
      this.forward(bridge, port, frame, t);
    }
  }

  /** Known unicast to its port (never back out of the ingress port), anything else flooded. */
  private forward(bridge: Bridge, ingress: Device | null, frame: EthFrame, t: number): void {
    const port = isGroupMac(frame.dst) ? undefined : bridge.fdb.get(frame.dst);
    if (port === undefined) this.flood(bridge, ingress, frame, t);
    else if (port !== ingress) this.toPort(bridge, port, frame, t);
  }

  private flood(bridge: Bridge, ingress: Device | null, frame: EthFrame, t: number): void {
    for (const port of bridge.ports) if (port !== ingress) this.toPort(bridge, port, frame, t);
  }

  private toPort(bridge: Bridge, port: Device, frame: EthFrame, t: number): void {
    const length = oversize(frame, port);
    if (length > 0) {
      this.notes.push(`${bridge.dev.ns.name}: ${bridge.dev.name} dropped a ${length}-byte packet too big for ${port.name} (MTU ${port.mtu}).`);
      return;
    }
    this.xmit(port, frame, t);
  }

  /** macvlan in bridge mode: siblings get frames for their MAC directly; the parent's wire gets the rest too. */
  private macvlanXmit(child: Device, frame: EthFrame, t: number): void {
    const parent = child.parent as Device;
    for (const sibling of parent.children) {
      if (sibling !== child && (isGroupMac(frame.dst) || frame.dst === sibling.mac)) {
        this.clock.at(t + WIRE_NS, () => this.receive(sibling, frame, t + WIRE_NS));
      }
    }
    if (!parent.children.some((s) => s.mac === frame.dst)) {
      this.record(parent, frame, t);
      const wire = parent.peer;
      if (wire !== null) this.clock.at(t + WIRE_NS, () => this.receive(wire, frame, t + WIRE_NS));
    }
  }

  private macvlanDemux(parent: Device, frame: EthFrame, t: number): void {
    for (const child of parent.children) {
      if (isGroupMac(frame.dst) || frame.dst === child.mac) this.clock.at(t + WIRE_NS, () => this.receive(child, frame, t + WIRE_NS));
    }
    if (isGroupMac(frame.dst) || frame.dst === parent.mac) nsInput(this, parent, frame, t);
  }
}
