// The Internet checksum (RFC 1071): one's complement of the one's complement sum
// of 16-bit big-endian words. Summing a block that includes its checksum field
// gives 0 when the checksum is right.

/**
 * `initial` lets callers add a pseudo-header sum. Returns the folded, complemented
 * 16-bit result. Reads 32-bit words through the DataView and adds their 16-bit
 * halves into two small-integer sums (one's complement addition is associative,
 * RFC 1071 section 2); each stays below 2^31 for any IP packet. Four words per
 * iteration: the loop overhead, not the additions, is what costs on short messages.
 */
export function internetChecksum(dv: DataView, offset: number, length: number, initial: number): number {
  let high = 0;
  let low = initial | 0;
  let i = offset;
  const end16 = offset + (length & ~15);
  for (; i < end16; i += 16) {
    const a = dv.getUint32(i);
    const b = dv.getUint32(i + 4);
    const c = dv.getUint32(i + 8);
    const d = dv.getUint32(i + 12);
    high = (high + (a >>> 16) + (b >>> 16) + (c >>> 16) + (d >>> 16)) | 0;
    low = (low + (a & 0xffff) + (b & 0xffff) + (c & 0xffff) + (d & 0xffff)) | 0;
  }
  const end4 = offset + (length & ~3);
  for (; i < end4; i += 4) {
    const word = dv.getUint32(i);
    high = (high + (word >>> 16)) | 0;
    low = (low + (word & 0xffff)) | 0;
  }
  const end = offset + length;
  if (i + 1 < end) { high += dv.getUint16(i); i += 2; }
  if (i < end) high += dv.getUint8(i) << 8; // odd length: pad with a zero byte
  let sum = high + low;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}
