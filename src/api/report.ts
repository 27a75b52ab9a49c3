// The report `analyze --json`, `replay --json` and the library's analyze() give: the
// engines' tables and change log, the topology they reveal (`inferred`) and, when Docker's
// view of the network was given, where the traffic departs from it (`departures`).

import { inferTopology } from '../analysis/infer-topology.js';
import type { JsonValue } from '../decode/index.js';
import type { Topology } from '../topology/model.js';
import { departures } from '../verify/departures.js';

export function reportForOutput(report: Record<string, JsonValue>, topology: Topology): Record<string, JsonValue> {
  report.inferred = inferTopology(report) as unknown as JsonValue;
  if (topology.networks.length > 0 || topology.containers.length > 0) {
    report.departures = departures(report, topology) as unknown as JsonValue;
  }
  return report;
}
