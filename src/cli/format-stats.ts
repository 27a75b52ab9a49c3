// `dockshark stats` as text tables, from the same report `--json` prints.

import type { ConversationReport, EndpointReport, LayerReport, StatsLayer, StatsReport } from '../analysis/conversation-report.js';
import { renderTable } from './table.js';

const TITLES: Record<Exclude<StatsLayer, 'vxlan'>, string> = {
  eth: 'Ethernet', ip: 'IPv4', ipv6: 'IPv6', udp: 'UDP', tcp: 'TCP',
};

const FLOW_HEADERS = ['frames A>B', 'bytes A>B', 'frames B>A', 'bytes B>A', 'frames', 'bytes', 'start', 'duration'];

/** `10.0.0.1:53`, `[fe80::1]:546`, or the bare address. */
function address(a: string, port: number | undefined): string {
  if (port === undefined) return a;
  return a.includes(':') ? `[${a}]:${port}` : `${a}:${port}`;
}

function flowCells(c: ConversationReport): unknown[] {
  // tshark's precision: start to the nanosecond, duration to 0.1 ms.
  return [c.aToB.frames, c.aToB.bytes, c.bToA.frames, c.bToA.bytes, c.frames, c.bytes, c.start.toFixed(9), c.duration.toFixed(4)];
}

function endpointRows(list: readonly EndpointReport[]): unknown[][] {
  return list.map((e) => [address(e.address, e.port), e.frames, e.bytes, e.tx.frames, e.tx.bytes, e.rx.frames, e.rx.bytes]);
}

export function statsText(report: StatsReport): string[] {
  const out: string[] = [`${report.frames} frames`, ''];
  for (const layer of Object.keys(TITLES) as (keyof typeof TITLES)[]) {
    const r: LayerReport | undefined = report[layer];
    if (r === undefined) continue;
    out.push(...renderTable(`${TITLES[layer]} conversations`, ['A', 'B', ...FLOW_HEADERS],
      r.conversations.map((c) => [address(c.a, c.aPort), address(c.b, c.bPort), ...flowCells(c)])));
    if (r.endpoints !== undefined) {
      out.push(...renderTable(`${TITLES[layer]} endpoints`, ['address', 'frames', 'bytes', 'tx frames', 'tx bytes', 'rx frames', 'rx bytes'],
        endpointRows(r.endpoints)));
    }
  }
  if (report.vxlan !== undefined) {
    out.push(...renderTable('VXLAN tunnels (one per VNI and VTEP pair, whatever the outer UDP source port)',
      ['vni', 'A', 'B', 'port', ...FLOW_HEADERS, 'UDP flows'],
      report.vxlan.tunnels.map((t) => [t.vni, t.a, t.b, t.port, ...flowCells(t), t.udpFlows])));
  }
  if (report.capped !== undefined) {
    for (const [layer, frames] of Object.entries(report.capped.uncountedFrames)) {
      out.push(`${layer}: the table reached ${report.capped.limit} conversations (--max-conversations); ${frames} frames of later ones are not counted.`);
    }
    out.push('');
  }
  return out;
}
