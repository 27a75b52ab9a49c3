// The conntrack parser moved to src/topology/conntrack.ts (it reads `--topology` files
// now); the tests keep importing it from here.
export { asReportTuples, isTranslated, parseConntrack, parseConntrackLine, translationOf, type ConntrackEntry, type ConntrackTuple } from '../../src/topology/conntrack.js';
