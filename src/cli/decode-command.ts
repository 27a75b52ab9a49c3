// `dockshark decode FILE... [--ndjson] [--vxlan-port N]...`

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
}

export const DEFAULT_VXLAN_PORT = 4789;

/** Runs the decode and returns the process exit code. */
export function runDecode(files: string[], options: DecodeCommandOptions, out: LineWriter, err: LineWriter): number {
  const source = openCaptures(files);
  const decoder = new FrameDecoder({ vxlanPorts: [DEFAULT_VXLAN_PORT, ...options.vxlanPorts] });
  try {
    for (let raw = source.next(); raw !== null; raw = source.next()) {
      const decoded = decoder.decode(raw);
      if (options.ndjson) out.line(frameNdjson(raw, decoded));
      else {
        writeFrameText(out, raw, decoded); // straight into the output buffer as bytes
        out.endLine();
      }
      if (options.count > 0 && raw.no >= options.count) break;
    }
    out.flush();
  } finally {
    source.close();
  }
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
