// Shared set-up for the UI tests: a replay session over committed captures, indexed whole
// (no background slices), closed after each test.
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { ReplaySession } from '../../src/ui/session.js';
import { capturesDir } from '../helpers/paths.js';

export const NAPT_COLLIDE = join(capturesDir, 'napt-collide', 'napt-collide-multi.pcapng');
export const OVERLAY_LEARN = join(capturesDir, 'overlay-learn', 'overlay-multi-h1.pcapng');
export const USERBRIDGE = join(capturesDir, 'userbridge', 'bridge-multi.pcapng');

const open: ReplaySession[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

export function session(files: string[]): ReplaySession {
  const s = new ReplaySession(files, { schedule: () => {} });
  s.index.indexAll();
  open.push(s);
  return s;
}

/** A session positioned just after the frame numbered `no`. */
export function sessionAtFrame(files: string[], no: number): ReplaySession {
  const s = session(files);
  s.seek(s.index.timeline.stepOfFrame(no) + 1);
  return s;
}

/** Ink output without its colour codes (SGR): what the terminal shows as text. */
export function plain(frame: string | undefined): string {
  // eslint-disable-next-line no-control-regex
  return (frame ?? '').replace(/\x1b\[[0-9;]*m/g, '');
}
