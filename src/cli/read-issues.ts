// How the commands that read captures report file problems, and the exit status they give:
//   2  some input is unusable: a file that is not a capture, empty, cut inside its header, or
//      that cannot be opened (missing, a directory, no permission); with several files, any one.
//   0  every file was read, even if partly damaged: what could be read was, and each problem is
//      a warning on stderr (offset, frame, block type, rule broken).
// Commands keep their own meanings of 1 (check and diff: a difference; verify: tables disagree).

import { hasUnusableFile, type ReadIssue } from '../capture/types.js';
import { safeText } from '../decode/index.js';
import type { LineWriter } from './output.js';

/** Exit status for unusable input. */
export const EXIT_UNUSABLE_INPUT = 2;

/**
 * One line per issue on `err`, escaped (the message can quote the file). An unusable file gets
 * its one-sentence refusal; damage worked around names where it is and the rule it breaks:
 * `dockshark: FILE: at byte 1234 after frame 32 (Enhanced Packet Block (0x00000006)): MESSAGE Rule: RULE.`
 */
export function reportReadIssues(files: readonly string[], issues: readonly ReadIssue[], err: LineWriter): void {
  for (const issue of issues) err.line(safeText(`dockshark: ${readIssueLine(files, issue)}`));
}

/** The text of one issue's line, without the `dockshark: ` prefix and unescaped. */
export function readIssueLine(files: readonly string[], issue: ReadIssue): string {
  const file = files[issue.fileIndex];
  const name = file === '-' ? 'standard input' : file;
  if (issue.unusable === true) return `${name}: ${issue.message}`;
  const frame = issue.frameNumber === 0 ? 'before frame 1' : `after frame ${issue.frameNumber}`;
  return `${name}: at byte ${issue.offset} ${frame} (${issue.blockType}): ${issue.message} Rule: ${issue.rule}.`;
}

/** Frames the reorder window could not put in place (AnalysisRun.lateFrames): one warning line, when there are any. */
export function reportLateFrames(run: { readonly lateFrames: number; readonly lateWindow: string }, err: LineWriter): void {
  if (run.lateFrames === 0) return;
  const frames = run.lateFrames === 1 ? '1 frame' : `${run.lateFrames} frames`;
  err.line(`dockshark: ${frames} arrived later than the reordering window (${run.lateWindow}) allowed and ${run.lateFrames === 1 ? 'was' : 'were'} analysed out of time order.`);
}

/** 2 when some file could not be used at all, else 0. */
export function readExitStatus(issues: readonly ReadIssue[]): number {
  return hasUnusableFile(issues) ? EXIT_UNUSABLE_INPUT : 0;
}

/** Whether no file could be used at all (each has its refusal): there is nothing to report then. */
export function noFileUsable(fileCount: number, issues: readonly ReadIssue[]): boolean {
  const refused = new Set<number>();
  for (const issue of issues) if (issue.unusable === true) refused.add(issue.fileIndex);
  return refused.size >= fileCount;
}
