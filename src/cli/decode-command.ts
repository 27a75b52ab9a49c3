// `dockshark decode FILE... [--ndjson] [--vxlan-port N]...`

import { FrameExporter } from '../capture/export-writer.js';
import { openCaptures } from '../capture/open.js';
import type { ReadIssue } from '../capture/types.js';
import { FrameDecoder, safeText } from '../decode/index.js';
import { frameNdjson, writeFrameText } from './format-frame.js';
import { LineWriter } from './output.js';

export interface DecodeCommandOptions {
  ndjson: boolean;
  vxlanPorts: number[];
  /** Stop after this many frames (0: all). */
  count: number;
  /** Write the frames to this pcap/pcapng instead of printing them (as tshark -w). */
  write?: string;
}

export const DEFAULT_VXLAN_PORT = 4789;

/** Runs the decode and returns the process exit code. */
export function runDecode(files: string[], options: DecodeCommandOptions, out: LineWriter, err: LineWriter): number {
  const source = openCaptures(files);
  const decoder = new FrameDecoder({ vxlanPorts: [DEFAULT_VXLAN_PORT, ...options.vxlanPorts] });
  const exporter = options.write === undefined ? null : new FrameExporter(options.write);
  let frames = 0;
  try {
    for (let raw = source.next(); raw !== null; raw = source.next()) {
      frames++;
      const decoded = decoder.decode(raw);
      if (exporter !== null) exporter.write(raw);
      else if (options.ndjson) out.line(frameNdjson(raw, decoded));
      else {
        writeFrameText(out, raw, decoded); // straight into the output buffer as bytes
        out.endLine();
      }
      if (options.count > 0 && raw.no >= options.count) break;
    }
    out.flush();
  } finally {
    source.close();
    exporter?.close();
  }
  if (exporter !== null) err.line(safeText(`dockshark: wrote ${exporter.frames} of ${frames} frames to ${exporter.path}`));
  reportReadIssues(files, source.issues, err);
  err.flush();
  return source.issues.some((i) => i.kind === 'bad-header') ? 1 : 0;
}

export function reportReadIssues(files: string[], issues: readonly ReadIssue[], err: LineWriter): void {
  for (const issue of issues) {
    const name = files[issue.fileIndex] === '-' ? 'standard input' : files[issue.fileIndex];
    err.line(safeText(`dockshark: ${name}: at byte ${issue.offset}: ${issue.message}`));
  }
}
