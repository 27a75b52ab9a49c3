// `dockshark -i IFACE...` (the default command with live options) when standard output is not a
// terminal: what `dockshark capture -i ...` does (the "capturing on" line, the analyze tables and
// the summary at the end), and the same one-sentence errors with exit 2. Misused options are
// refused without capturing, --ring in the UI too (a terminal, through `script`). In a
// terminal, the errors of the UI's capture process are `capture`'s, before any UI. Live cases
// run as root in a namespace this test creates.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RING_REFUSED } from '../../src/cli/live-ui-command.js';
import { cliPath } from '../helpers/paths.js';
import { addNamespace, netnsUnavailable, sh } from './netns-helpers.js';

const why = netnsUnavailable();
if (why !== null) console.log(`skipping the live cases of the live UI command: ${why}`);

function cli(args: string[], ns?: string): { code: number | null; stdout: string; stderr: string } {
  const command = ns === undefined ? [process.execPath, cliPath, ...args] : ['ip', 'netns', 'exec', ns, process.execPath, cliPath, ...args];
  const r = spawnSync(command[0], command.slice(1), { encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('dockshark -i: misuse', () => {
  it('refuses capture files with -i, and live options without -i', () => {
    const both = cli(['-i', 'lo', 'captures/napt/napt-multi.pcapng']);
    expect(both.code).toBe(2);
    expect(both.stderr).toBe('dockshark: give capture files or -i interfaces (a live capture), not both.\n');
    const alone = cli(['-w', 'x.pcapng', 'captures/napt/napt-multi.pcapng']);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toBe('dockshark: -w goes with -i (a live capture).\n');
    expect(cli(['--duration', '1']).stderr).toBe('dockshark: --duration goes with -i (a live capture).\n');
    expect(cli(['--ring', '2:1']).stderr).toBe('dockshark: --ring goes with -i (a live capture).\n');
  });

  it('keeps the UI\'s capture process command out of --help', () => {
    const help = cli(['--help']);
    expect(help.stdout).toContain('capture [options]');
    expect(help.stdout).not.toContain('capture-child');
  });

  it.skipIf(spawnSync('script', ['--version']).error !== undefined)('refuses --ring in the UI (a terminal), saying why, before capturing', () => {
    // `script` gives the command a terminal; the refusal comes before cap is loaded, so no root is needed.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockshark-ring-ui-'));
    try {
      const file = path.join(dir, 'out.pcapng');
      const command = [process.execPath, cliPath, '-i', 'lo', '-w', file, '--ring', '2:1'].map((a) => `'${a}'`).join(' ');
      const r = spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8', timeout: 30_000 });
      expect(r.status).toBe(2);
      expect(r.stdout.replace(/\r\n/g, '\n')).toBe(`dockshark: ${RING_REFUSED}\n`);
      expect(fs.existsSync(file)).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(why !== null)('dockshark -i, stdout not a terminal', () => {
  const ns = why === null ? addNamespace() : '';

  it('fails as capture does: an unknown interface, a bad filter (exit 2, one sentence)', () => {
    for (const [args, pattern] of [
      [['-i', 'nope0'], /^dockshark: there is no interface "nope0".*dockshark list-interfaces/m],
      [['-i', 'lo', '-f', 'port nonsense'], /^dockshark: .*capture filter "port nonsense" is not valid BPF/m],
    ] as const) {
      const mine = cli([...args], ns);
      const theirs = cli(['capture', ...args], ns);
      expect(mine.code, mine.stderr).toBe(2);
      expect(mine.stderr).toMatch(pattern);
      expect(mine.stderr).toBe(theirs.stderr);
    }
  });

  it('captures and prints the tables at the end, as `capture` does', async () => {
    const child = spawn('ip', ['netns', 'exec', ns, process.execPath, cliPath, '-i', 'lo', '--duration', '3'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    const ready = new Promise<void>((resolve) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (stderr.includes('dockshark: capturing on lo; stop with Ctrl-C.')) resolve();
      });
    });
    const code = new Promise<number | null>((resolve) => child.on('close', resolve));
    await ready;
    sh(ns, 'ping -c 2 -i 0.2 -W 1 127.0.0.1 >/dev/null');
    expect(await code).toBe(0);
    // The tables of `analyze` for the frames captured, then the summary. Two pings are four
    // packets, each seen once on lo (leaving): 4 frames, the first included.
    const frames = Number(/^(\d+) frames\n/.exec(stdout)?.[1]);
    expect(frames).toBe(4);
    expect(stdout).toMatch(/^Interfaces\nname +link type +frames\n[- ]+\nlo +1 +\d+$/m);
    expect(stdout).toContain('ARP / neighbours');
    expect(stderr).toContain(`dockshark: captured ${frames} frames in `);
    expect(stderr).toMatch(/ \(lo \d+\); analysed \d+\.\n/);
  }, 30_000);

  it('takes --ring as `capture` does', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockshark-ring-'));
    try {
      const file = path.join(dir, 'out.pcapng');
      const r = cli(['-i', 'lo', '-w', file, '--ring', '2:1', '--duration', '1'], ns);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain(`wrote 0 frames (0 bytes) to ${file}.`);
      expect(fs.statSync(file).size).toBeGreaterThan(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(why !== null || spawnSync('script', ['--version']).error !== undefined)('dockshark -i in a terminal: the errors of its capture process', () => {
  const ns = why === null ? addNamespace() : '';

  /** `dockshark ARGS` with a terminal (`script`), in the namespace: what it printed (both streams, as the terminal shows them). */
  function inTerminal(args: string[], env: Record<string, string>, wrap: readonly string[]): { code: number | null; text: string } {
    const command = ['ip', 'netns', 'exec', ns, ...wrap, process.execPath, cliPath, ...args].map((a) => `'${a}'`).join(' ');
    const r = spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, ...env } });
    return { code: r.status, text: r.stdout.replace(/\r\n/g, '\n') };
  }

  it('are capture\'s one sentence and exit status (2; 1 for the file), before any UI, leaving no temporary file', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dockshark-live-errors-'));
    try {
      const capsh = spawnSync('sh', ['-c', 'command -v capsh'], { encoding: 'utf8' }).stdout.trim();
      const cases: [string[], Record<string, string>, string[], number][] = [
        [['-i', 'nope0'], {}, [], 2],
        [['-i', 'lo', '-f', 'port nonsense'], {}, [], 2],
        [['-i', 'lo'], { DOCKSHARK_NO_CAP: '1' }, [], 2],
        // A file that cannot be written is 1, as for `capture`.
        [['-i', 'lo', '-w', path.join(tmp, 'missing', 'out.pcapng')], {}, [], 1],
      ];
      // Without the privileges (when capsh is there to drop them).
      if (capsh !== '') cases.push([['-i', 'lo'], {}, [capsh, '--drop=cap_net_raw,cap_net_admin', '--', '-c', '"$0" "$@"'], 2]);
      for (const [args, env, wrap, status] of cases) {
        const mine = inTerminal(args, { ...env, TMPDIR: tmp }, wrap);
        const theirs = spawnSync('ip', ['netns', 'exec', ns, ...wrap, process.execPath, cliPath, 'capture', ...args],
          { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 30_000 });
        const expected = theirs.stderr;
        expect(theirs.status, expected).toBe(status);
        expect(mine.code, mine.text).toBe(status);
        expect(expected).toMatch(/^dockshark: .+\n$/);
        expect(mine.text).toBe(expected);
        expect(fs.readdirSync(tmp)).toEqual([]);
      }
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});

