// A capture whose last frame is stamped before all the others: 2,100 ARP requests 100 us
// apart, then one at the first instant, so it arrives 2,100 frames late (within 1 s: the
// reorder window's frame cap is what decides). LINKTYPE_ETHERNET (1) or SLL2 (276, `-i any`).
import { concatBytes, encodePcapHeader, encodePcapRecord } from '../../src/capture/pcap-writer.js';
import { arp, eth, sll2 } from './build.js';

export const LATE_BY_FRAMES = 2100;

export function lateFrameCapture(linkType: 1 | 276): Uint8Array {
  const request = (n: number) => arp(1, '02:42:ac:11:00:02', '172.17.0.2', '00:00:00:00:00:00', `172.17.${n >> 8}.${n & 0xff}`);
  const frame = (n: number) => (linkType === 1
    ? eth('ff:ff:ff:ff:ff:ff', '02:42:ac:11:00:02', 0x0806, request(n))
    : sll2(0x0806, 7, 1, '02:42:ac:11:00:02', request(n)));
  const stamps = [...Array.from({ length: LATE_BY_FRAMES }, (_, n) => 100_000 * (n + 1)), 0];
  return concatBytes([encodePcapHeader({ linkType }),
    ...stamps.map((tsNsec, n) => encodePcapRecord({ tsSec: 1_700_000_000, tsNsec, bytes: frame(n) }))]);
}
