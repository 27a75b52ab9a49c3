// Case number N of seed S: a PRNG stream of its own picks the seed capture and the mutations,
// so any case can be rebuilt alone (`--replay S:N`) without running the ones before it.

import { mutate } from './mutate.mjs';
import { Prng } from './prng.mjs';

export function makeCase(seeds, seed, caseNo) {
  const rng = new Prng(seed, caseNo);
  const base = seeds[rng.below(seeds.length)];
  const { bytes, applied } = mutate(base.bytes, rng, () => seeds[rng.below(seeds.length)].bytes);
  return { seedName: base.name, bytes, applied };
}

/** The file name extension a capture's bytes call for. */
export function extensionOf(bytes) {
  return bytes.length >= 4 && bytes[0] === 0x0a && bytes[1] === 0x0d && bytes[2] === 0x0d && bytes[3] === 0x0a ? 'pcapng' : 'pcap';
}
