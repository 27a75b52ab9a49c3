// Runs one measurement in a fresh child process, so every peak RSS belongs to that
// measurement alone, and summarises repeated runs.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const workersDir = fileURLToPath(new URL('./workers/', import.meta.url));

/**
 * Node workers time their own work (open to close, without Node's startup) and report
 * process.resourceUsage().maxRSS at the end: { seconds, maxRssKiB, heapAfterGcBytes, frames, ... }.
 * --expose-gc only makes gc() callable; the worker calls it after its timed work.
 */
export function runWorker(worker, args, nodeArgs = []) {
  const child = spawnSync(process.execPath, ['--expose-gc', ...nodeArgs, `${workersDir}${worker}.mjs`, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (child.status !== 0) throw new Error(`worker ${worker} failed (exit ${child.status}):\n${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').pop());
}

// External commands are timed by a python3 parent, whose RUSAGE_CHILDREN maxrss (KiB on
// Linux) is exactly the command's peak RSS; Node's spawnSync cannot report a child's RSS.
// stdout goes to /dev/null as in `cmd > /dev/null`; stderr is kept for error reports.
const WRAPPER = `
import json, resource, subprocess, sys, time
t = time.perf_counter()
r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
s = time.perf_counter() - t
print(json.dumps({"seconds": s, "maxRssKiB": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
                  "status": r.returncode, "stderr": r.stderr.decode("utf-8", "replace")[-2000:]}))
`;

/** Wall time of the whole command, startup included: { seconds, maxRssKiB }. */
export function runCommand(argv) {
  const child = spawnSync('python3', ['-c', WRAPPER, ...argv], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (child.status !== 0) throw new Error(`python3 wrapper failed (exit ${child.status}):\n${child.stderr}`);
  const result = JSON.parse(child.stdout);
  if (result.status !== 0) throw new Error(`${argv.join(' ')} exited with ${result.status}:\n${result.stderr}`);
  return { seconds: result.seconds, maxRssKiB: result.maxRssKiB };
}

/** True when `name` is an executable on PATH. */
export function haveCommand(name) {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median and min seconds, rates from them, and the highest peak RSS over the runs. */
export function summarise(frames, runs) {
  const seconds = runs.map((run) => run.seconds);
  const med = median(seconds);
  const min = Math.min(...seconds);
  return {
    frames,
    runs: runs.length,
    medianSeconds: med,
    minSeconds: min,
    framesPerSecond: frames / med,
    bestFramesPerSecond: frames / min,
    peakRssMB: Math.max(...runs.map((run) => run.maxRssKiB)) * 1024 / 1e6,
    allSeconds: seconds,
  };
}
