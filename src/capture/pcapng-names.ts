// Name Resolution Block records (pcapng type 4) and the address text they are keyed by.
//
//   record: type u16 (0 end, 1 IPv4, 2 IPv6), value length u16, value padded to 4 bytes
//   IPv4 value: 4 address bytes, then one or more NUL-terminated names; IPv6: 16 bytes, then names

import { padded32 } from './pcapng-blocks.js';

const NRB_RECORD_END = 0;
const NRB_RECORD_IPV4 = 1;
const NRB_RECORD_IPV6 = 2;

const utf8 = new TextDecoder('utf-8');

/**
 * Reads the records of a Name Resolution Block body into `names` (address text to names).
 * Returns -1, or the offset of the first record that does not fit (nothing after it is read).
 */
export function readNameRecords(
  view: DataView,
  bytes: Uint8Array,
  from: number,
  to: number,
  le: boolean,
  names: Map<string, string[]>,
): number {
  let at = from;
  while (at + 4 <= to) {
    const type = view.getUint16(at, le);
    const length = view.getUint16(at + 2, le);
    const valueAt = at + 4;
    if (type === NRB_RECORD_END) return -1;
    if (valueAt + padded32(length) > to) return at;
    if (type === NRB_RECORD_IPV4 && length > 4) {
      addNames(names, formatIpv4(bytes, valueAt), bytes, valueAt + 4, length - 4);
    } else if (type === NRB_RECORD_IPV6 && length > 16) {
      addNames(names, formatIpv6(bytes, valueAt), bytes, valueAt + 16, length - 16);
    }
    at = valueAt + padded32(length);
  }
  return at === to ? -1 : at;
}

function addNames(names: Map<string, string[]>, address: string, bytes: Uint8Array, from: number, length: number): void {
  let list = names.get(address);
  let nameStart = from;
  const end = from + length;
  for (let i = from; i <= end; i++) {
    if (i === end || bytes[i] === 0) {
      if (i > nameStart) {
        const name = utf8.decode(bytes.subarray(nameStart, i));
        if (list === undefined) {
          list = [];
          names.set(address, list);
        }
        if (!list.includes(name)) list.push(name);
      }
      nameStart = i + 1;
    }
  }
}

export function formatIpv4(bytes: Uint8Array, at: number): string {
  return `${bytes[at]}.${bytes[at + 1]}.${bytes[at + 2]}.${bytes[at + 3]}`;
}

/** RFC 5952 text: lower-case hex, leading zeros dropped, the longest run (>= 2) of zero groups as '::'. */
export function formatIpv6(bytes: Uint8Array, at: number): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push((bytes[at + 2 * i] << 8) | bytes[at + 2 * i + 1]);
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const text = (list: number[]): string => list.map((group) => group.toString(16)).join(':');
  if (bestStart < 0) return text(groups);
  return `${text(groups.slice(0, bestStart))}::${text(groups.slice(bestStart + bestLength))}`;
}
