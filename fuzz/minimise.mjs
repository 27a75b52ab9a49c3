// A delta-debugging minimiser: shrinks an input while it still fails the same way (same
// finding kind and the same message once numbers are blanked): cut the end (at block
// boundaries, then bytes), remove whole blocks, then zero runs of bytes.

import { parseStructure, boundaries } from './structure.mjs';

/** The failure's identity: kind plus message with numbers and quoted text blanked. */
export function signature(result) {
  if (result.kind === null) return null;
  if (result.kind === 'hang' || result.kind === 'memory') return result.kind;
  const top = /at [^\n]*?\/(dist\/[^\s:)]+)/.exec(result.stack ?? '');
  return `${result.kind}: ${result.message.replace(/"[^"]*"/g, '"…"').replace(/\d+/g, 'N')}${top ? ' @ ' + top[1] : ''}`;
}

/** Shrinks `bytes` keeping `signature(await check(candidate)) === wanted`; `budget` checks at most. */
export async function minimise(bytes, check, { budget = 400 } = {}) {
  const wanted = signature(await check(bytes));
  if (wanted === null) return { bytes, wanted, checks: 1 };
  let checks = 1;
  let best = bytes;
  const fails = async (candidate) => {
    if (checks >= budget) return false;
    checks++;
    return signature(await check(candidate)) === wanted;
  };
  // 1. the shortest prefix ending at a block boundary, then shorter by bytes
  for (const at of boundaries(parseStructure(best), best.length)) {
    if (at >= best.length) break;
    if (at > 0 && await fails(best.subarray(0, at))) { best = best.slice(0, at); break; }
  }
  for (let step = best.length >> 1; step >= 1;) {
    if (best.length > step && await fails(best.subarray(0, best.length - step))) best = best.slice(0, best.length - step);
    else step >>= 1;
  }
  // 2. whole blocks (records) out, last first
  const blocks = parseStructure(best).blocks;
  for (let i = blocks.length - 1; i >= 1; i--) {
    const b = blocks[i];
    if (b.offset + b.length > best.length) continue;
    const candidate = new Uint8Array(best.length - b.length);
    candidate.set(best.subarray(0, b.offset), 0);
    candidate.set(best.subarray(b.offset + b.length), b.offset);
    if (await fails(candidate)) best = candidate;
  }
  // 3. runs of bytes set to zero, halving the run length
  for (let size = 64; size >= 1; size >>= 1) {
    for (let at = 0; at < best.length; at += size) {
      const run = best.subarray(at, at + size);
      if (run.every((b) => b === 0)) continue;
      const candidate = best.slice();
      candidate.fill(0, at, at + size);
      if (await fails(candidate)) best = candidate;
    }
  }
  return { bytes: best, wanted, checks };
}
