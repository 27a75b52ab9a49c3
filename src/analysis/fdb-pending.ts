// Frames whose ingress the FDB engine cannot judge yet (see fdb.ts): pooled records
// in two bounded structures, so waiting allocates nothing in the steady state.
// * GroupRing: frames of the current timestamp group (one exact kernel timestamp). A
//   frame first seen on the bridge device waits here for a same-instant copy on a port.
// * HeldQueue: frames waiting up to a time window for a later copy elsewhere (the
//   bridge device's copy of a port's frame, a copy telling where an unknown interface
//   belongs). Oldest first; found by frame number (pcapng copies) or by signature (SLL2).

import { Observation } from './fdb-frame.js';
import type { Iface } from './fdb-ifaces.js';
import type { Bridge } from './fdb-table.js';

export const DONE = 0;
/** Seen first on the bridge device: entered on a port (a tie copy may follow), or sent by the host. */
export const PENDING_BRIDGE = 1;
/** Seen on a port, no topology: the bridge received it only if a copy shows up on the bridge side. */
export const PENDING_PORT = 2;
/** Seen on an interface not known to belong to a bridge yet. */
export const PENDING_UNKNOWN = 3;

export class Rec {
  readonly obs = new Observation();
  no = 0;
  iface: Iface | null = null;
  bridge: Bridge | null = null;
  state = DONE;
  /** The capture gave a direction (SLL2, pcapng epb_flags). */
  directed = false;
  /** Capture time it was held at. */
  sec = 0;
  nsec = 0;

  set(no: number, obs: Observation, iface: Iface | null, bridge: Bridge | null, state: number, directed: boolean, sec: number, nsec: number): void {
    this.obs.copyFrom(obs);
    this.no = no;
    this.iface = iface;
    this.bridge = bridge;
    this.state = state;
    this.directed = directed;
    this.sec = sec;
    this.nsec = nsec;
  }

  copyFrom(r: Rec, iface: (i: Iface) => Iface, bridge: (b: Bridge) => Bridge): void {
    this.set(r.no, r.obs, r.iface === null ? null : iface(r.iface), r.bridge === null ? null : bridge(r.bridge),
      r.state, r.directed, r.sec, r.nsec);
  }
}

export const GROUP_LIMIT = 64;

export class GroupRing {
  readonly recs: Rec[] = [];
  count = 0;
  /** Records taken from VXLAN packets in this group (copies of them are looked up by signature). */
  tunnelled = 0;

  /** A free record at the end; the caller must first empty a full ring (count === GROUP_LIMIT). */
  push(): Rec {
    let r = this.recs[this.count];
    if (r === undefined) {
      r = new Rec();
      this.recs.push(r);
    }
    this.count++;
    return r;
  }

  byNo(no: number): Rec | null {
    for (let i = 0; i < this.count; i++) if (this.recs[i].no === no) return this.recs[i];
    return null;
  }

  copyInto(to: GroupRing, iface: (i: Iface) => Iface, bridge: (b: Bridge) => Bridge): void {
    for (let i = 0; i < this.count; i++) to.push().copyFrom(this.recs[i], iface, bridge);
    to.tunnelled = this.tunnelled;
  }

  bySignature(obs: Observation): Rec | null {
    for (let i = 0; i < this.count; i++) {
      const r = this.recs[i].obs;
      if (r.src === obs.src && r.sigReady && r.sig === obs.sig && r.vlan === obs.vlan) return this.recs[i];
    }
    return null;
  }
}

export const HELD_LIMIT = 256;

export class HeldQueue {
  private ring: Rec[] = [];
  private head = 0;
  count = 0;
  /** Undirected pending records by frame number (their copies carry it as copy.firstNo). */
  readonly byNo = new Map<number, Rec>();
  /** Directed pending records (matched by signature). */
  directed = 0;

  /** A free record at the end; the caller must first make room when the queue is full. */
  push(): Rec {
    if (this.count === this.ring.length) {
      if (this.head !== 0) {
        const ordered: Rec[] = [];
        for (let k = 0; k < this.count; k++) ordered.push(this.ring[(this.head + k) % this.ring.length]);
        this.ring = ordered;
        this.head = 0;
      }
      const r = new Rec();
      this.ring.push(r);
      this.count++;
      return r;
    }
    const r = this.ring[(this.head + this.count) % this.ring.length];
    this.count++;
    return r;
  }

  /** Oldest record, or null. */
  peek(): Rec | null {
    return this.count === 0 ? null : this.ring[this.head];
  }

  shift(): void {
    this.head = (this.head + 1) % this.ring.length;
    this.count--;
    if (this.count === 0) this.head = 0;
  }

  get full(): boolean {
    return this.count === HELD_LIMIT;
  }

  /** The most recent directed pending record with this signature captured on another interface. */
  bySignature(obs: Observation, iface: Iface): Rec | null {
    const cap = this.ring.length;
    for (let k = this.count - 1; k >= 0; k--) {
      const r = this.ring[(this.head + k) % cap];
      if (r.state === DONE || !r.directed || r.iface === iface) continue;
      const o = r.obs;
      if (o.src === obs.src && o.sig === obs.sig && o.vlan === obs.vlan) return r;
    }
    return null;
  }

  copyInto(to: HeldQueue, iface: (i: Iface) => Iface, bridge: (b: Bridge) => Bridge): void {
    for (let k = 0; k < this.count; k++) {
      const n = to.push();
      n.copyFrom(this.ring[(this.head + k) % this.ring.length], iface, bridge);
      if (n.state !== DONE && !n.directed) to.byNo.set(n.no, n);
    }
    to.directed = this.directed;
  }
}
