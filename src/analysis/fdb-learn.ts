// What a Linux bridge does with a frame once the FDB engine (fdb.ts) knows where it
// entered: learn the source on the ingress port (or mark it local), age entries, and
// forward, flood or deliver to the host. Changes are made here; strings only for them.

import { formatMac, isGroupMac, type JsonValue } from '../decode/index.js';
import { BROADCAST, type Observation } from './fdb-frame.js';
import type { Iface, Interfaces } from './fdb-ifaces.js';
import { AgeingList, type Bridge, Entry } from './fdb-table.js';
import { OverflowLog } from './limits.js';
import type { Change } from './types.js';

type ChangeFields = { [key: string]: JsonValue };

export class Learner {
  readonly ageing = new AgeingList();
  /** The engine's clock: the latest capture time seen (monotonic). */
  nowSec = -Infinity;
  nowNsec = 0;
  private readonly ageSec: number;
  private readonly ageNsec: number;

  /** Bridges that reached maxEntries: a full Linux FDB learns nothing new until entries age out. */
  overflow = new OverflowLog();

  constructor(public ifs: Interfaces, ageingSeconds: number, readonly maxEntries: number) {
    const age = Math.max(0, ageingSeconds);
    this.ageSec = Math.floor(age);
    this.ageNsec = Math.round((age - this.ageSec) * 1e9);
  }

  /** A frame that entered `bridge` on `port` (null: a port the capture does not show). */
  ingress(bridge: Bridge, port: Iface | null, no: number, obs: Observation, out: Change[]): void {
    bridge.counters.ingress++;
    this.learn(bridge, port, no, obs, out);
    this.decide(bridge, port, false, no, obs, out);
  }

  /** A frame the bridge device sent (the host's). `infer`: no topology, so its source is taken as local. */
  fromHost(bridge: Bridge, no: number, obs: Observation, infer: boolean, out: Change[]): void {
    bridge.counters.fromHost++;
    if (infer) this.markLocal(bridge, obs.src, obs.vlan, null, no, out);
    else if (this.ifs.localMacs.has(obs.src)) this.touchLocal(bridge, obs.src, obs.vlan, no, out);
    this.decide(bridge, null, true, no, obs, out);
  }

  /** Learns the frame's source on `port`. (The observation is passed, not the MAC: a MAC above 2^31 would be boxed.) */
  learn(bridge: Bridge, port: Iface | null, no: number, obs: Observation, out: Change[]): void {
    const mac = obs.src;
    const vlan = obs.vlan;
    if (this.ifs.localMacs.size > 0 && this.ifs.localMacs.has(mac)) {
      this.touchLocal(bridge, mac, vlan, no, out);
      return;
    }
    const table = bridge.table(vlan);
    const e = table.get(mac);
    if (e === undefined) {
      if (this.full(bridge, no, out)) return;
      const created = new Entry(bridge, mac, vlan, port, false, no, no);
      table.set(mac, created);
      this.ageing.touch(created, this.nowSec, this.nowNsec);
      bridge.counters.learned++;
      out.push(this.change('fdb.learn', no, bridge, mac, port, vlan));
      return;
    }
    e.lastFrame = no;
    if (e.local) {
      if (port === null) return;
      // Inferred local (no topology), yet it entered on a port: not the host's after all.
      e.local = false;
      e.port = port;
      this.ageing.touch(e, this.nowSec, this.nowNsec);
      bridge.counters.learned++;
      const c = this.change('fdb.learn', no, bridge, mac, port, vlan);
      c.wasLocal = true;
      out.push(c);
      return;
    }
    if (e.port !== port) {
      const c = this.change('fdb.move', no, bridge, mac, port, vlan);
      c.from = portName(e.port);
      c.to = portName(port);
      e.port = port;
      bridge.counters.moved++;
      out.push(c);
    }
    this.ageing.touch(e, this.nowSec, this.nowNsec);
  }

  /** A MAC of the host (topology) seen in this bridge: never learned, its local entry refreshed. */
  touchLocal(bridge: Bridge, mac: number, vlan: number, no: number, out: Change[]): void {
    const table = bridge.table(vlan);
    const e = table.get(mac);
    if (e === undefined) {
      if (this.full(bridge, no, out)) return;
      table.set(mac, new Entry(bridge, mac, vlan, null, true, no, no));
      out.push(this.change('fdb.local', no, bridge, mac, null, vlan));
      return;
    }
    if (e.firstFrame < 0) e.firstFrame = no;
    e.lastFrame = no;
  }

  /** A MAC inferred (no topology) to be the host's: sent by the bridge device, or by a port device itself. */
  markLocal(bridge: Bridge, mac: number, vlan: number, port: Iface | null, no: number, out: Change[]): void {
    const table = bridge.table(vlan);
    const e = table.get(mac);
    if (e === undefined) {
      if (this.full(bridge, no, out)) return;
      table.set(mac, new Entry(bridge, mac, vlan, port, true, no, no));
      out.push(this.change('fdb.local', no, bridge, mac, port, vlan));
      return;
    }
    if (!e.local) {
      const c = this.change('fdb.local', no, bridge, mac, port, vlan);
      c.from = portName(e.port);
      e.local = true;
      e.port = port;
      this.ageing.remove(e);
      out.push(c);
    }
    if (e.firstFrame < 0) e.firstFrame = no;
    e.lastFrame = no;
  }

  /** Forward, flood or deliver to the host: counted; unknown-unicast floods are also changes. */
  decide(bridge: Bridge, port: Iface | null, host: boolean, no: number, obs: Observation, out: Change[]): void {
    const c = bridge.counters;
    const dst = obs.dst;
    if (dst < 0) {
      // SLL: no destination MAC, only the packet type on the receiving interface.
      const t = obs.pkttype;
      if (t === 1) c.floodBroadcast++;
      else if (t === 2) c.floodMulticast++;
      else if (t === 0) c.toHost++;
      else c.undetermined++;
      return;
    }
    if (dst === BROADCAST) c.floodBroadcast++;
    else if (isGroupMac(dst)) c.floodMulticast++;
    else {
      const e = bridge.table(obs.vlan).get(dst);
      if (e === undefined) {
        c.floodUnknownUnicast++;
        const f = this.change('fdb.flood', no, bridge, dst, port, obs.vlan);
        f.reason = 'unknown-unicast';
        f.src = formatMac(obs.src);
        f.fromHost = host;
        out.push(f);
      } else if (e.local) c.toHost++;
      else if (port !== null && e.port === port) c.filtered++;
      else c.forwarded++;
    }
  }

  /** Move the clock to a frame's time and remove the entries idle for longer than the ageing time. */
  advance(sec: number, nsec: number, no: number, out: Change[]): void {
    if (sec < this.nowSec || (sec === this.nowSec && nsec <= this.nowNsec)) return;
    this.nowSec = sec;
    this.nowNsec = nsec;
    for (let e = this.ageing.head; e !== null; e = this.ageing.head) {
      let ds = sec - e.lastSec;
      let dn = nsec - e.lastNsec;
      if (dn < 0) {
        ds--;
        dn += 1e9;
      }
      if (ds < this.ageSec || (ds === this.ageSec && dn <= this.ageNsec)) return;
      this.ageing.remove(e);
      e.bridge.table(e.vlan).delete(e.mac);
      e.bridge.entryCount--;
      e.bridge.counters.expired++;
      const c = this.change('fdb.expire', no, e.bridge, e.mac, e.port, e.vlan);
      c.lastFrame = e.lastFrame;
      c.idleSeconds = ds + dn / 1e9;
      out.push(c);
    }
  }

  /** True when `bridge` has no room for a new entry (counted; reported once per bridge). Counts the one about to be made otherwise. */
  private full(bridge: Bridge, no: number, out: Change[]): boolean {
    if (bridge.entryCount < this.maxEntries) {
      bridge.entryCount++;
      return false;
    }
    if (bridge.overflow !== null) bridge.overflow.count++;
    else {
      const name = bridge.name ?? (bridge.ifindex >= 0 ? `#${bridge.ifindex}` : '(unnamed)');
      bridge.overflow = this.overflow.hit('fdb', `bridge ${name}`, this.maxEntries, 'refused', no, 'entries', out);
    }
    return true;
  }

  change(kind: string, no: number, bridge: Bridge, mac: number, port: Iface | null, vlan: number): ChangeFields & Change {
    const c: ChangeFields = { frame: no, kind, bridge: bridge.name };
    if (bridge.name === null && bridge.ifindex >= 0) c.bridgeIfindex = bridge.ifindex;
    c.mac = formatMac(mac);
    c.port = portName(port);
    if (port !== null && port.name === null && port.ifindex >= 0) c.ifindex = port.ifindex;
    c.vlan = vlan === 0 ? null : vlan;
    return c as ChangeFields & Change;
  }
}

function portName(port: Iface | null): string | null {
  return port === null ? null : port.name;
}
