// The packet list's columns for a width: No, Time, Interface, Source, Destination,
// Protocol, Info. Info takes what is left; addresses get up to an IPv6 address's width.

import type { PacketRow } from './packet-rows.js';
import { cut, fit } from './text.js';

export interface PacketColumns {
  readonly no: number;
  readonly time: number;
  readonly iface: number;
  readonly source: number;
  readonly destination: number;
  readonly protocol: number;
  readonly info: number;
}

export function packetColumns(width: number, maxFrameNo: number): PacketColumns {
  const no = Math.max(3, String(maxFrameNo).length);
  const time = width >= 100 ? 11 : 10;
  const iface = width >= 100 ? 12 : 8;
  const protocol = 6;
  const fixed = no + time + iface + protocol + 6; // six single-space gaps
  const rest = Math.max(20, width - fixed);
  const address = Math.max(12, Math.min(26, Math.floor(rest * 0.25)));
  return { no, time, iface, source: address, destination: address, protocol, info: Math.max(8, rest - 2 * address) };
}

export function packetHeader(c: PacketColumns): string {
  return [fit('No.', c.no), fit('Time', c.time), fit('Iface', c.iface), fit('Source', c.source), fit('Destination', c.destination),
    fit('Proto', c.protocol), cut('Info', c.info)].join(' ');
}

export function packetLine(row: PacketRow, c: PacketColumns): string {
  return [String(row.no).padStart(c.no), fit(row.time, c.time), fit(row.iface, c.iface), fit(row.source, c.source),
    fit(row.destination, c.destination), fit(row.protocol, c.protocol), cut(row.info, c.info)].join(' ');
}
