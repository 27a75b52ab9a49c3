// Altered recordings for the snapshot/check tests: a capture read with the project's
// reader, changed frame by frame, and written back with the project's pcap writer.
import { writeFileSync } from 'node:fs';
import { openCapture, readAll } from '../../src/capture/open.js';
import { encodePcapHeader, encodePcapRecord } from '../../src/capture/pcap-writer.js';

export interface Frame {
  readonly no: number;
  readonly tsSec: number;
  readonly tsNsec: number;
  readonly bytes: Uint8Array;
}

export function readFrames(path: string): { frames: Frame[]; linkType: number } {
  const all = readAll(openCapture(path));
  return { frames: all.frames.map(({ no, tsSec, tsNsec, bytes }) => ({ no, tsSec, tsNsec, bytes })), linkType: all.interfaces[0].linkType };
}

/** A classic pcap (microseconds, as tcpdump writes), the frames in time order. */
export function writePcap(path: string, frames: readonly Frame[], linkType: number): void {
  const sorted = [...frames].sort((a, b) => a.tsSec - b.tsSec || a.tsNsec - b.tsNsec);
  writeFileSync(path, Buffer.concat([encodePcapHeader({ linkType }), ...sorted.map((f) => encodePcapRecord(f))]));
}

export function mac(text: string): Uint8Array {
  return Uint8Array.from(text.split(':').map((h) => parseInt(h, 16)));
}

/** Every occurrence of `from` in the frame's bytes replaced by `to` (MACs carry no checksum). */
export function replaceBytes(bytes: Uint8Array, from: Uint8Array, to: Uint8Array): Uint8Array {
  const out = bytes.slice();
  for (let i = 0; i + from.length <= out.length; i++) {
    if (from.every((b, k) => out[i + k] === b)) out.set(to, i);
  }
  return out;
}

/** The frame `ns` nanoseconds later. */
export function later(f: Frame, ns: number): Frame {
  const total = f.tsNsec + ns;
  return { ...f, tsSec: f.tsSec + Math.floor(total / 1e9), tsNsec: total % 1e9 };
}

export interface UdpView { src: string; dst: string; sport: number; dport: number }

/**
 * An Ethernet/IPv4/UDP frame with its ports changed by `edit` (which returns the new
 * sport and dport); the UDP checksum is zeroed (optional over IPv4). Other frames unchanged.
 */
export function editUdp(bytes: Uint8Array, edit: (u: UdpView) => [number, number]): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 42 || view.getUint16(12) !== 0x0800 || bytes[23] !== 17) return bytes;
  const udp = 14 + (bytes[14] & 0x0f) * 4;
  const ip = (at: number): string => [...bytes.subarray(at, at + 4)].join('.');
  const [sport, dport] = edit({ src: ip(26), dst: ip(30), sport: view.getUint16(udp), dport: view.getUint16(udp + 2) });
  const out = bytes.slice();
  const w = new DataView(out.buffer);
  w.setUint16(udp, sport);
  w.setUint16(udp + 2, dport);
  w.setUint16(udp + 6, 0);
  return out;
}
