// The packet list's rows, computed only for the rows on screen: each frame is re-read from
// its file (FrameAtReader) and decoded by a decoder of the list's own, so the replay's
// pipeline is never disturbed and a million-frame capture costs nothing until scrolled to.

import { FrameAt, FrameAtReader } from '../../capture/random-access.js';
import type { InterfaceInfo } from '../../capture/types.js';
import { describeLayers, formatIpv4, formatIpv6, formatMac, FrameDecoder, LayerList } from '../../decode/index.js';
import type { Timeline } from '../../replay/timeline.js';
import type { Topology } from '../../topology/model.js';
import { protocolColour, protocolName } from './protocol.js';
import { safe } from './text.js';

export interface PacketRow {
  readonly step: number;
  readonly no: number;
  /** Seconds since the first frame, microseconds shown. */
  readonly time: string;
  readonly iface: string;
  readonly source: string;
  readonly destination: string;
  readonly protocol: string;
  readonly info: string;
  readonly colour: string;
}

/** What the rows are read from: the replay index's parts the list needs. */
export interface RowIndex {
  readonly files: readonly string[];
  readonly timeline: Timeline;
  readonly interfaces: readonly InterfaceInfo[];
}

const CACHE_LIMIT = 4096;

export class PacketRowSource {
  private readonly reader: FrameAtReader;
  private readonly decoder: FrameDecoder;
  private readonly at = new FrameAt();
  private readonly cache = new Map<number, PacketRow>();

  constructor(private readonly index: RowIndex, vxlanPorts: readonly number[], private readonly topology: Topology | null = null) {
    this.reader = new FrameAtReader(index.files);
    this.decoder = new FrameDecoder({ vxlanPorts });
  }

  /** Rows for steps [first, first + count) that exist. */
  rows(first: number, count: number): PacketRow[] {
    const out: PacketRow[] = [];
    const end = Math.min(this.index.timeline.length, first + count);
    for (let step = Math.max(0, first); step < end; step++) out.push(this.row(step));
    return out;
  }

  row(step: number): PacketRow {
    let row = this.cache.get(step);
    if (row === undefined) {
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      row = this.build(step);
      this.cache.set(step, row);
    }
    return row;
  }

  close(): void {
    this.reader.close();
  }

  private build(step: number): PacketRow {
    const timeline = this.index.timeline;
    const iface = this.index.interfaces[timeline.ifaceId(step)];
    const base = { step, no: timeline.no(step), time: relativeTime(timeline, step) };
    if (iface === undefined || !this.reader.read(timeline.fileIndex(step), timeline.fileOffset(step), iface, this.at)) {
      return { ...base, iface: '?', source: '', destination: '', protocol: '?', info: 'frame cannot be re-read', colour: 'red' };
    }
    const at = this.at;
    const decoded = this.decoder.decode({
      data: at.data, start: at.start, end: at.end, origLen: at.origLen, tsSec: timeline.tsSec(step), direction: at.direction, iface,
    });
    const layers = decoded.layers;
    const [source, destination] = endpoints(layers);
    const protocol = protocolName(layers);
    return {
      ...base,
      iface: safe(ifaceLabel(iface, decoded.ifindex, this.topology)),
      source: safe(source),
      destination: safe(destination),
      protocol,
      info: safe(infoText(layers, at.origLen)),
      colour: protocolColour(protocol, decoded.issues.length > 0),
    };
  }
}

function relativeTime(timeline: Timeline, step: number): string {
  const seconds = timeline.tsSec(step) - timeline.tsSec(0) + (timeline.tsNsec(step) - timeline.tsNsec(0)) / 1e9;
  return seconds.toFixed(6);
}

/** The interface the frame was captured on: pcapng name, SLL2 ifindex named by the topology, or its id. */
export function ifaceLabel(iface: InterfaceInfo, ifindex: number, topology: Topology | null): string {
  if (iface.name !== null) return iface.name;
  if (ifindex >= 0) return topology?.linkByIndex(ifindex)?.name ?? `ifindex ${ifindex}`;
  return `if${iface.id}`;
}

/** Innermost IP addresses; else (ARP, link-only frames) the innermost link addresses, as Wireshark shows them. */
export function endpoints(layers: LayerList): [string, string] {
  let link: [string, string] | null = null;
  for (let i = layers.count - 1; i >= 0; i--) {
    const l = layers.items[i];
    if (l.proto === 'ipv4') return [l.src < 0 ? '?' : formatIpv4(l.src), l.dst < 0 ? '?' : formatIpv4(l.dst)];
    if (l.proto === 'ipv6') return [formatIpv6(l.src0, l.src1, l.src2, l.src3), formatIpv6(l.dst0, l.dst1, l.dst2, l.dst3)];
    if (l.proto === 'eth' && link === null) link = [formatMac(l.src), formatMac(l.dst)];
    if (l.proto === 'sll' && link === null) link = [l.srcText ?? formatMac(l.src), ''];
  }
  return link ?? ['', ''];
}

/**
 * Wireshark-style Info: the innermost protocol's summary (ports first for UDP/TCP, as the
 * addresses are in their own columns), after the tunnel's VNI when tunnelled.
 */
export function infoText(layers: LayerList, origLen: number): string {
  let from = -1;
  let ip = -1;
  let tunnel: { proto: string; vni: number } | null = null;
  for (let i = 0; i < layers.count; i++) {
    const l = layers.items[i];
    if (SUMMARY_LAYERS.has(l.proto)) from = i;
    if (l.proto === 'ipv4' || l.proto === 'ipv6') ip = i;
    if (l.proto === 'vxlan' || l.proto === 'geneve') tunnel = l;
  }
  if (from < ip) from = ip; // an IP payload with no summary of its own (IGMP, a fragment): the IP line
  if (from < 0) return describeLayers(layers, origLen);
  const inner = new LayerList();
  for (let i = from; i < layers.count; i++) inner.push(layers.items[i]);
  const first = layers.items[from];
  const ports = first.proto === 'udp' || first.proto === 'tcp' ? `${first.sport} > ${first.dport} ` : '';
  const text = ports + describeLayers(inner);
  return tunnel !== null ? `[${tunnel.proto} ${tunnel.vni}] ${text}` : text;
}

/** Layers whose own summary says what the frame is (the innermost one present is used). */
const SUMMARY_LAYERS = new Set(['arp', 'icmp', 'icmpv6', 'udp', 'tcp']);
