// `dockshark replay --at N --json` against `dockshark analyze -c N --json`, through the real CLI.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { capturesDir } from '../helpers/paths.js';
import { runCli } from '../helpers/run-cli.js';

const file = join(capturesDir, 'napt-collide', 'napt-collide-multi.pcapng');

test.each([1, 40, 91])('replay --at N equals analyze -c N for N = %i', (n) => {
  const replay = runCli(['replay', file, '--at', String(n), '--json']);
  const analyze = runCli(['analyze', file, '-c', String(n), '--json']);
  expect(replay.stderr).toBe('');
  expect(replay.code).toBe(0);
  expect(JSON.parse(replay.stdout)).toEqual(JSON.parse(analyze.stdout));
  expect(JSON.parse(replay.stdout).frames).toBe(n);
});

test('replay without --at shows the end state; past the end is an error sentence', () => {
  const all = runCli(['replay', file, '--json']);
  expect(JSON.parse(all.stdout)).toEqual(JSON.parse(runCli(['analyze', file, '--json']).stdout));
  const past = runCli(['replay', file, '--at', '100000']);
  expect(past.code).toBe(1);
  expect(past.stderr).toMatch(/^dockshark: --at 100000 is past the end: the capture has \d+ frames\.\n$/);
});

test('standard input cannot be replayed: one sentence, exit 2 (unusable input), no stack trace', () => {
  const r = runCli(['replay', '-', '--at', '1'], readFileSync(file));
  expect(r.code).toBe(2);
  expect(r.stderr).toBe('dockshark: Standard input cannot be re-read frame by frame; save the capture to a file first (tcpdump -w FILE).\n');
  expect(r.stdout).toBe('');
});
