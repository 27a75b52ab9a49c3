// The frames the kernel counted on network devices (/proc/net/dev, which lists the devices
// of the reading process's network namespace). A live capture reads them when it starts
// and when it stops: cap passes on no drop counts (no pcap_stats; the packet sockets'
// own counters, PACKET_STATISTICS, need a getsockopt that only libpcap makes, and
// `ss`'s drop column does not count a full ring), so what a device counted against what
// the capture received is the one measure of loss before dockshark left.

import { readFileSync } from 'node:fs';

export interface DeviceCounts {
  /** Frames received (rx_packets). */
  readonly rx: number;
  /** Frames sent (tx_packets). */
  readonly tx: number;
}

/** The counts of the named devices (a device missing from the table is left out); null when /proc/net/dev cannot be read. */
export function readDeviceCounts(names: readonly string[], table = '/proc/net/dev'): Map<string, DeviceCounts> | null {
  let text: string;
  try {
    text = readFileSync(table, 'utf8');
  } catch {
    return null;
  }
  const wanted = new Set(names);
  const counts = new Map<string, DeviceCounts>();
  // "  eth0: rx_bytes rx_packets rx_errs rx_drop rx_fifo rx_frame rx_compressed rx_multicast tx_bytes tx_packets ..."
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    if (!wanted.has(name)) continue;
    const fields = line.slice(colon + 1).trim().split(/\s+/).map(Number);
    if (fields.length >= 10 && Number.isFinite(fields[1]) && Number.isFinite(fields[9])) counts.set(name, { rx: fields[1], tx: fields[9] });
  }
  return counts;
}
