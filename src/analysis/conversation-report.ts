// The conversation tables as plain JSON: addresses as text, times in seconds, rows in
// tshark's order (most frames first, then in order of the first frame). Endpoints are
// derived from the conversations: an address sends what it sent in each of its
// conversations and receives the rest, which is how tshark's endpoint tables count too
// (a frame from an address to itself is both sent and received by it).

import { formatMac } from '../decode/index.js';
import { addressOf, portOf } from './conversation-keys.js';
import type { Conversation, ConversationStats, ConversationTable, Tunnel } from './conversations.js';

export type StatsLayer = 'eth' | 'ip' | 'ipv6' | 'udp' | 'tcp' | 'vxlan';
export const STATS_LAYERS: readonly StatsLayer[] = ['eth', 'ip', 'ipv6', 'udp', 'tcp', 'vxlan'];

export interface Flow {
  frames: number;
  bytes: number;
}

export interface ConversationReport {
  a: string;
  /** UDP/TCP only. */
  aPort?: number;
  b: string;
  bPort?: number;
  aToB: Flow;
  bToA: Flow;
  frames: number;
  bytes: number;
  /** Seconds from the first frame (negative for a frame captured before it). */
  start: number;
  /** Seconds from the earliest frame to the latest. */
  duration: number;
}

export interface TunnelReport extends ConversationReport {
  vni: number;
  /** UDP destination port of the first packet (the VXLAN port). */
  port: number;
  /** Conversations tshark's UDP table splits this tunnel into: (sender, outer source port) pairs. */
  udpFlows: number;
}

export interface EndpointReport {
  address: string;
  port?: number;
  frames: number;
  bytes: number;
  tx: Flow;
  rx: Flow;
}

export interface LayerReport {
  conversations: ConversationReport[];
  endpoints?: EndpointReport[];
}

export interface StatsReport {
  frames: number;
  eth?: LayerReport;
  ip?: LayerReport;
  ipv6?: LayerReport;
  udp?: LayerReport;
  tcp?: LayerReport;
  vxlan?: { tunnels: TunnelReport[] };
  /**
   * Tables that reached their cap (maxConversations): the frames of the conversations not kept,
   * per table; absent when none did.
   */
  capped?: { limit: number; uncountedFrames: Partial<Record<StatsLayer, number>> };
}

export interface StatsReportOptions {
  layers: readonly StatsLayer[];
  endpoints: boolean;
}

/** How a table's keys read: MACs, IP ids, or IP ids with ports. */
type KeyText = (key: number) => { address: string; port?: number };

export function statsReport(stats: ConversationStats, options: StatsReportOptions): StatsReport {
  const out: StatsReport = { frames: stats.frames };
  const ip: KeyText = (key) => ({ address: stats.ids.text(key) });
  const withPort: KeyText = (key) => ({ address: stats.ids.text(addressOf(key)), port: portOf(key) });
  const tables: [Exclude<StatsLayer, 'vxlan'>, ConversationTable, KeyText][] = [
    ['eth', stats.eth, (key) => ({ address: formatMac(key) })],
    ['ip', stats.ip, ip],
    ['ipv6', stats.ipv6, ip],
    ['udp', stats.udp, withPort],
    ['tcp', stats.tcp, withPort],
  ];
  for (const [layer, table, text] of tables) {
    if (!options.layers.includes(layer)) continue;
    const report: LayerReport = { conversations: byFrames(table.list).map((c) => conversation(stats, c, text)) };
    if (options.endpoints) report.endpoints = endpoints(table.list, text);
    out[layer] = report;
    if (table.uncountedFrames > 0) capped(out, stats)[layer] = table.uncountedFrames;
  }
  if (options.layers.includes('vxlan')) {
    out.vxlan = {
      tunnels: byFrames(stats.tunnels).map((t: Tunnel) => ({
        vni: t.vni, port: t.port, ...conversation(stats, t, ip), udpFlows: t.udpFlows.size,
      })),
    };
    if (stats.uncountedTunnelFrames > 0) capped(out, stats).vxlan = stats.uncountedTunnelFrames;
  }
  return out;
}

/** The report's `capped` section, made on first use. */
function capped(out: StatsReport, stats: ConversationStats): Partial<Record<StatsLayer, number>> {
  out.capped ??= { limit: stats.maxConversations, uncountedFrames: {} };
  return out.capped.uncountedFrames;
}

/** Most frames first; Array.sort is stable, so ties stay in order of their first frame. */
function byFrames<T extends Conversation>(list: readonly T[]): T[] {
  return [...list].sort((x, y) => (y.framesAB + y.framesBA) - (x.framesAB + x.framesBA));
}

function conversation(stats: ConversationStats, c: Conversation, text: KeyText): ConversationReport {
  const a = text(c.a);
  const b = text(c.b);
  const startNs = (c.startSec - stats.baseSec) * 1e9 + (c.startNsec - stats.baseNsec);
  const endNs = (c.endSec - stats.baseSec) * 1e9 + (c.endNsec - stats.baseNsec);
  return {
    a: a.address, ...(a.port === undefined ? {} : { aPort: a.port }),
    b: b.address, ...(b.port === undefined ? {} : { bPort: b.port }),
    aToB: { frames: c.framesAB, bytes: c.bytesAB },
    bToA: { frames: c.framesBA, bytes: c.bytesBA },
    frames: c.framesAB + c.framesBA,
    bytes: c.bytesAB + c.bytesBA,
    start: startNs / 1e9,
    duration: (endNs - startNs) / 1e9,
  };
}

function endpoints(list: readonly Conversation[], text: KeyText): EndpointReport[] {
  const byKey = new Map<number, EndpointReport>();
  const add = (key: number, tx: number, txBytes: number, rx: number, rxBytes: number): void => {
    let e = byKey.get(key);
    if (e === undefined) {
      const t = text(key);
      e = { address: t.address, ...(t.port === undefined ? {} : { port: t.port }), frames: 0, bytes: 0, tx: { frames: 0, bytes: 0 }, rx: { frames: 0, bytes: 0 } };
      byKey.set(key, e);
    }
    e.tx.frames += tx;
    e.tx.bytes += txBytes;
    e.rx.frames += rx;
    e.rx.bytes += rxBytes;
    e.frames += tx + rx;
    e.bytes += txBytes + rxBytes;
  };
  // A then B of each conversation in order of first frame: the order addresses first appeared in.
  for (const c of list) {
    add(c.a, c.framesAB, c.bytesAB, c.framesBA, c.bytesBA);
    add(c.b, c.framesBA, c.bytesBA, c.framesAB, c.bytesAB);
  }
  return [...byKey.values()].sort((x, y) => y.frames - x.frames);
}
