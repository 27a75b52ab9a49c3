// `dockshark decode FILE... [--ndjson] [--vxlan-port N]... [-Y FILTER [--topology F]...] [-w OUT] [-c N]`
//
// With -Y only the frames that match are printed (or written), under their own numbers,
// as tshark -Y does. A filter on `change` needs the engines: the frames then go through
// the analysis pipeline, in time order rather than file order.

import { createEngines } from '../analysis/engines.js';
import { AnalysisPipeline } from '../analysis/pipeline.js';
import { FrameExporter } from '../capture/export-writer.js';
import { openCaptures } from '../capture/open.js';
import { TimeOrderedSource } from '../capture/reorder.js';
import { FrameDecoder, MutableFilterFrame, safeText, type DecodedFrame } from '../decode/index.js';
import { containerNames } from '../topology/container-names.js';
import { loadTopology } from '../api/analysis-run.js';
import { compileFilterOption, frameMatches } from './filter-option.js';
import { frameNdjson, writeFrameText } from './format-frame.js';
import { LineWriter } from './output.js';
import { readExitStatus, reportReadIssues } from './read-issues.js';

export interface DecodeCommandOptions {
  ndjson: boolean;
  vxlanPorts: number[];
  /** Stop after this many frames (0: all). */
  count: number;
  /** Write the frames to this pcap/pcapng instead of printing them (as tshark -w). */
  write?: string;
  /** Display filter: only the frames that match. */
  filter?: string;
  /** Topology files: container names for the filter, interface names for SLL2 frames. */
  topology?: string[];
}

export const DEFAULT_VXLAN_PORT = 4789;

/** Runs the decode and returns the process exit code. */
export function runDecode(files: string[], options: DecodeCommandOptions, out: LineWriter, err: LineWriter): number {
  const filter = options.filter === undefined ? null : compileFilterOption('-Y', options.filter, err);
  if (filter === null && options.filter !== undefined) return 2;
  const vxlanPorts = [DEFAULT_VXLAN_PORT, ...options.vxlanPorts];
  const topology = loadTopology(options.topology ?? []);
  const pipeline = filter?.usesChanges
    ? new AnalysisPipeline(createEngines({ topology, vxlanPorts, ageingSeconds: 300 }), { vxlanPorts, keepEvents: false }, topology)
    : null;
  const source = pipeline === null ? openCaptures(files) : new TimeOrderedSource(openCaptures(files));
  const decoder = pipeline?.decoder ?? new FrameDecoder({ vxlanPorts });
  const view = new MutableFilterFrame();
  view.names = containerNames(topology);
  const exporter = options.write === undefined ? null : new FrameExporter(options.write);
  let frames = 0;
  let shown = 0;
  try {
    for (let raw = source.next(); raw !== null; raw = source.next()) {
      frames++;
      let decoded: DecodedFrame;
      let iface = raw.iface.name;
      if (pipeline !== null) {
        iface = pipeline.push(raw).iface;
        view.changes = pipeline.lastChanges;
        decoded = pipeline.lastDecoded as DecodedFrame;
      } else decoded = decoder.decode(raw);
      if (filter === null || frameMatches(filter, view, raw, decoded.layers, iface)) {
        shown++;
        if (exporter !== null) exporter.write(raw);
        else if (options.ndjson) out.line(frameNdjson(raw, decoded));
        else {
          writeFrameText(out, raw, decoded); // straight into the output buffer as bytes
          out.endLine();
        }
      }
      if (options.count > 0 && frames >= options.count) break;
    }
    out.flush();
  } finally {
    source.close();
    exporter?.close();
  }
  if (exporter !== null) err.line(safeText(`dockshark: wrote ${exporter.frames} of ${frames} frames to ${exporter.path}`));
  else if (filter !== null && !options.ndjson) err.line(`dockshark: ${shown} of ${frames} frames match the filter.`);
  reportReadIssues(files, source.issues, err);
  err.flush();
  return readExitStatus(source.issues);
}

export { reportReadIssues } from './read-issues.js';
