// Where playback and "run to breakpoint" stop: on a kind of change (`fdb.move`, or every
// NAT change with `nat` / `nat.*`) or on a frame matching a display filter (`arp and arp.dst.proto_ipv4 == 10.0.0.2`).

import type { AnalysisFrame, Change } from '../analysis/types.js';
import { MutableFilterFrame, type ContainerNames, type FrameFilter } from '../decode/index.js';

export type Breakpoint =
  | { readonly kind: 'change'; readonly pattern: string }
  /** `names`: who owns the frames' addresses, for `container` (the topology's). */
  | { readonly kind: 'filter'; readonly filter: FrameFilter; readonly names?: ContainerNames | null };

/** `fdb.move` matches that kind only; `nat` and `nat.*` match every kind in the namespace. */
export function changeKindMatcher(pattern: string): (kind: string) => boolean {
  const namespace = pattern.endsWith('.*') ? pattern.slice(0, -2) : pattern.includes('.') ? null : pattern;
  if (namespace !== null) return (kind) => kind.startsWith(namespace + '.');
  return (kind) => kind === pattern;
}

export function describeBreakpoint(b: Breakpoint): string {
  return b.kind === 'change' ? `change ${b.pattern}` : `filter ${b.filter.text}`;
}

/** Reused for every frame a filter breakpoint looks at (frame lengths are not known here). */
const filterFrame = new MutableFilterFrame();

/** The first breakpoint the step hits, or null. */
export function hitBreakpoint(
  breakpoints: readonly Breakpoint[],
  frame: AnalysisFrame,
  changes: readonly Change[],
): Breakpoint | null {
  for (const b of breakpoints) {
    if (b.kind === 'change') {
      const wanted = changeKindMatcher(b.pattern);
      if (changes.some((c) => wanted(c.kind))) return b;
    } else if (matchesFilter(b.filter, b.names ?? null, frame, changes)) {
      return b;
    }
  }
  return null;
}

function matchesFilter(filter: FrameFilter, names: ContainerNames | null, frame: AnalysisFrame, changes: readonly Change[]): boolean {
  const f = filterFrame;
  f.names = names;
  f.layers = frame.layers;
  f.iface = frame.iface;
  f.no = frame.no;
  f.changes = changes;
  return filter.matches(f);
}
