// Compares `dockshark decode --ndjson FILE` with tshark's ek decode of FILE, field
// by field. Known, explained disagreements come from a deviations list.
import { readFileSync } from 'node:fs';
import { runCliAsync } from './run-cli.js';
import { readTsharkEk } from './tshark.js';
import { COMPARED_FIELDS, ourFields } from './tshark-fields.js';

export interface Deviation {
  file: string;
  /** With field "frames": tshark frame numbers that are not packets of ours, dropped before pairing. */
  tsharkFrames?: number[];
  /** Frame numbers, or omitted for every frame of the file. */
  frames?: number[];
  /** A compared field, or "malformed" for tshark's _ws.malformed without an issue of ours. */
  field: string;
  reason: string;
}

export function loadDeviations(path: string): Deviation[] {
  return (JSON.parse(readFileSync(path, 'utf8')) as { deviations: Deviation[] }).deviations;
}

/** Returns the unexplained disagreements; adds the deviations that explained one to `used`. */
export async function compareWithTshark(name: string, capture: string, ekPath: string, deviations: Deviation[], used: Set<Deviation>): Promise<string[]> {
  const find = (frame: number, field: string) =>
    deviations.find((d) => d.file === name && d.field === field && (!d.frames || d.frames.includes(frame)));
  const skip = deviations.find((d) => d.file === name && d.field === 'frames');
  if (skip) used.add(skip);
  const expected = readTsharkEk(ekPath).filter((_, i) => !skip?.tsharkFrames?.includes(i + 1));
  const result = await runCliAsync(['decode', '--ndjson', capture]);
  const problems: string[] = [];
  // 2: the file is unusable (refused); tshark then decoded nothing either, as the comparison checks.
  if (result.code !== 0 && result.code !== 2) return [`exit code ${result.code}: ${result.stderr}`];
  const ours = result.stdout.split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l) as Record<string, unknown>);
  // tshark stops at the first broken record; the frames it decoded are the ones to compare.
  if (ours.length < expected.length) problems.push(`we read ${ours.length} frames, tshark ${expected.length}`);
  for (let i = 0; i < Math.min(ours.length, expected.length); i++) {
    const no = i + 1; // our frame number; deviations name frames by it
    const mine = ourFields(ours[i]);
    const theirs = expected[i];
    for (const field of COMPARED_FIELDS) {
      const t = theirs[field];
      if (t === undefined) continue;
      const m = mine[field] ?? [];
      if (JSON.stringify(m) === JSON.stringify(t)) continue;
      const dev = find(no, field);
      if (dev) used.add(dev);
      else problems.push(`frame ${no} ${field}: ours ${JSON.stringify(m)} tshark ${JSON.stringify(t)}`);
    }
    if (theirs._ws_malformed && (ours[i].issues as unknown[]).length === 0) {
      const dev = find(no, 'malformed');
      if (dev) used.add(dev);
      else problems.push(`frame ${no}: tshark says malformed (${(theirs._ws_expert_message ?? []).join('; ')}), we report no issue`);
    }
  }
  return problems;
}
