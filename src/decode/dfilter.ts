// Frame filters in Wireshark's display-filter language (grammar in dfilter-parse.ts),
// used by the TUI's `/` search, breakpoints and `inject --only`. Text is compiled once
// into closures; matching allocates nothing and never throws.
//
// Semantics follow Wireshark 4.0 (checked against tshark 4.0.17, test/decode/dfilter-tshark.test.ts):
// a field occurring several times in a frame (eth.addr, the inner and outer ip.src of a
// VXLAN frame, the headers an ICMP error quotes) satisfies ==, <, contains, in ... when ANY
// occurrence does; `!=` is "all not equal" and needs the field present; `===` all equal,
// `!==` any not equal; `not in` is !(in).

import type { ContainerNames, FilterFrame } from './dfilter-fields.js';
import { parseFilterText, type CompareOp, type FieldRef, type FilterNode } from './dfilter-parse.js';
import { comparator, containsTest, matchesTest, presentTest, type OccCompare, type OccTest } from './dfilter-values.js';
import { FieldScan } from './dfilter-walk.js';

export { FilterSyntaxError } from './dfilter-lex.js';
export type { ContainerNames, FilterFrame } from './dfilter-fields.js';

export interface FrameFilter {
  readonly text: string;
  /** The filter reads `change`: matches() needs the frame's changes (run the analysis first). */
  readonly usesChanges: boolean;
  /** The filter reads `container`: matches() needs the frame's ContainerNames. */
  readonly usesContainers: boolean;
  matches(frame: FilterFrame): boolean;
}

/** A FilterFrame refilled for every frame, for callers that match many (no object per frame). */
export class MutableFilterFrame implements FilterFrame {
  layers: FilterFrame['layers'] = { items: [], count: 0 };
  iface: string | null = null;
  no = 0;
  origLen = -1;
  capLen = -1;
  changes: readonly { readonly kind: string }[] | null = null;
  names: ContainerNames | null = null;
}

type Test = (f: FilterFrame) => boolean;

/** Parses and compiles a filter; throws FilterSyntaxError (only). The empty filter matches every frame. */
export function parseFilter(text: string): FrameFilter {
  const uses = { changes: false, containers: false };
  const test = compile(parseFilterText(text), uses);
  return { text, usesChanges: uses.changes, usesContainers: uses.containers, matches: test };
}

function compile(node: FilterNode, uses: { changes: boolean; containers: boolean }): Test {
  switch (node.kind) {
    case 'all': return () => true;
    case 'not': {
      const item = compile(node.item, uses);
      return (f) => !item(f);
    }
    case 'and': {
      const parts = node.items.map((n) => compile(n, uses));
      return (f) => {
        for (let i = 0; i < parts.length; i++) if (!parts[i](f)) return false;
        return true;
      };
    }
    case 'or': {
      const parts = node.items.map((n) => compile(n, uses));
      return (f) => {
        for (let i = 0; i < parts.length; i++) if (parts[i](f)) return true;
        return false;
      };
    }
    default:
      if (node.ref.field.name === 'change') uses.changes = true;
      if (node.ref.field.name === 'container') uses.containers = true;
      return compileTest(node);
  }
}

function scan(ref: FieldRef, test: OccTest): Test {
  const s = new FieldScan(ref, test);
  return (f) => s.any(f);
}

function compileTest(node: Exclude<FilterNode, { kind: 'all' | 'and' | 'or' | 'not' }>): Test {
  const ref = node.ref;
  switch (node.kind) {
    case 'exists': return scan(ref, presentTest(ref, true));
    case 'contains': return scan(ref, containsTest(ref, node.value));
    case 'matches': return scan(ref, matchesTest(ref, node.value));
    case 'compare': return relation(ref, node.op, comparator(ref, node.value));
    case 'in': {
      const elements = node.elements.map((e) => (e.hi === null ? [comparator(ref, e.lo)] : [comparator(ref, e.lo), comparator(ref, e.hi)]));
      const inSet: OccTest = (l, i, f) => {
        for (let k = 0; k < elements.length; k++) {
          const e = elements[k];
          if (e.length === 1 ? e[0](l, i, f) === 0 : e[0](l, i, f) >= 0 && e[1](l, i, f) <= 0) return true;
        }
        return false;
      };
      const any = scan(ref, inSet);
      return node.negated ? (f) => !any(f) : any;
    }
  }
}

/** A comparison: which occurrences must pass, per Wireshark 4.0's any/all operators. */
function relation(ref: FieldRef, op: CompareOp, cmp: OccCompare): Test {
  switch (op) {
    case 'any_eq': return scan(ref, (l, i, f) => cmp(l, i, f) === 0);
    case 'any_ne': return scan(ref, (l, i, f) => { const c = cmp(l, i, f); return c < 0 || c > 0; });
    case 'lt': return scan(ref, (l, i, f) => cmp(l, i, f) < 0);
    case 'gt': return scan(ref, (l, i, f) => cmp(l, i, f) > 0);
    case 'le': return scan(ref, (l, i, f) => cmp(l, i, f) <= 0);
    case 'ge': return scan(ref, (l, i, f) => cmp(l, i, f) >= 0);
    case 'all_ne': {
      const present = scan(ref, presentTest(ref));
      const eq = scan(ref, (l, i, f) => cmp(l, i, f) === 0);
      return (f) => present(f) && !eq(f);
    }
    case 'all_eq': {
      const present = scan(ref, presentTest(ref));
      const ne = scan(ref, (l, i, f) => { const c = cmp(l, i, f); return c < 0 || c > 0; });
      return (f) => present(f) && !ne(f);
    }
  }
}
