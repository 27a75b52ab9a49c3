// The Internet checksum (RFC 1071): one's complement of the one's complement sum
// of 16-bit big-endian words. Summing a block that includes its checksum field
// gives 0 when the checksum is right.

/**
 * `initial` lets callers add a pseudo-header sum. Returns the folded, complemented
 * 16-bit result.
 *
 * Adds whole 32-bit words into two double-precision sums and folds once at the end:
 * 2^16 ≡ 1 modulo 2^16 - 1, so a 32-bit word counts as its two 16-bit halves, and
 * 2^32 ≡ 1 too, so the carries above 32 bits fold back the same way (RFC 1071
 * section 2). Doubles hold the sum exactly (a 64 KiB message sums to below 2^46).
 * Per word that is a load and an add, where splitting every word into its halves
 * took four more instructions. Eight words per iteration, because V8 rechecks the
 * DataView once per iteration; two sums, so that consecutive adds overlap.
 */
export function internetChecksum(dv: DataView, offset: number, length: number, initial: number): number {
  let wordSumA = 0;
  let wordSumB = 0;
  let i = offset;
  const end32 = offset + (length & ~31);
  for (; i < end32; i += 32) {
    wordSumA += dv.getUint32(i) + dv.getUint32(i + 4) + dv.getUint32(i + 8) + dv.getUint32(i + 12);
    wordSumB += dv.getUint32(i + 16) + dv.getUint32(i + 20) + dv.getUint32(i + 24) + dv.getUint32(i + 28);
  }
  const end4 = offset + (length & ~3);
  for (; i < end4; i += 4) wordSumA += dv.getUint32(i);
  const end = offset + length;
  if (i + 1 < end) { wordSumB += dv.getUint16(i); i += 2; }
  if (i < end) wordSumB += dv.getUint8(i) << 8; // odd length: pad with a zero byte
  const words = wordSumA + wordSumB;
  const high32 = Math.floor(words / 0x100000000);
  const low32 = words - high32 * 0x100000000;
  let sum = high32 + (low32 >>> 16) + (low32 & 0xffff) + initial;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}
