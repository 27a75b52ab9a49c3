// The Internet checksum (RFC 1071): one's complement of the one's complement sum
// of 16-bit big-endian words. Summing a block that includes its checksum field
// gives 0 when the checksum is right.

/**
 * `initial` lets callers add a pseudo-header sum. Returns the folded, complemented
 * 16-bit result. Adds whole 32-bit words read through the DataView (one's complement
 * addition is associative, RFC 1071 section 2); a double holds the sum exactly for
 * any IP packet.
 */
export function internetChecksum(dv: DataView, offset: number, length: number, initial: number): number {
  let sum = initial;
  let i = offset;
  const end4 = offset + (length & ~3);
  for (; i < end4; i += 4) sum += dv.getUint32(i);
  // Each 32-bit word counts as its two 16-bit halves: fold the high halves down.
  sum = (sum % 0x10000) + Math.floor(sum / 0x10000);
  const end = offset + length;
  if (i + 1 < end) { sum += dv.getUint16(i); i += 2; }
  if (i < end) sum += dv.getUint8(i) << 8; // odd length: pad with a zero byte
  while (sum > 0xffff) sum = (sum % 0x10000) + Math.floor(sum / 0x10000);
  return ~sum & 0xffff;
}
