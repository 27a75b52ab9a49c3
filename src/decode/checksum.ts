// The Internet checksum (RFC 1071): one's complement of the one's complement sum
// of 16-bit big-endian words. Summing a block that includes its checksum field
// gives 0 when the checksum is right.

/** `initial` lets callers add a pseudo-header sum. Returns the folded, complemented 16-bit result. */
export function internetChecksum(bytes: Uint8Array, offset: number, length: number, initial: number): number {
  let sum = initial;
  const end = offset + length - 1;
  let i = offset;
  for (; i < end; i += 2) sum += (bytes[i] << 8) | bytes[i + 1];
  if (i === end) sum += bytes[i] << 8; // odd length: pad with a zero byte
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}
