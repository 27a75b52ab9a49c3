// End to end: the real CLI in a detached tmux session of 120x40 on a committed capture.
// Keys are typed with send-keys and the screen read with capture-pane; the FDB and NAT
// panes must show what the kernel had (its FDB's learned MACs, its translated conntrack
// entries) and `q` must end the process. A second test checks the drawing itself: after
// steps and resizes the terminal shows exactly the frame the App renders in-process (no
// line left over from an earlier paint, none shifted). Skipped, with the reason printed,
// without tmux.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { createElement } from 'react';
import { afterAll, describe, expect, it } from 'vitest';
import { App } from '../../src/ui/App.js';
import { layoutFor } from '../../src/ui/selectors/layout.js';
import { isTranslated, parseConntrack, type ConntrackEntry } from '../helpers/conntrack.js';
import { lateFrameCapture } from '../helpers/late-capture.js';
import { capturesDir, cliPath, repoRoot } from '../helpers/paths.js';
import { plain, session } from './helpers.js';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
if (!hasTmux) console.log('skipping the tmux end-to-end test: tmux is not installed');
if (!existsSync(cliPath)) console.log(`skipping the tmux end-to-end test: ${cliPath} is not built (npm run build)`);

const sessions: string[] = [];
const scenario = join(capturesDir, 'napt-collide');
const tmux = (...args: string[]) => execFileSync('tmux', args, { encoding: 'utf8' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A detached tmux session of `width`x`height` running the CLI on `capture` (killed after the tests). */
function startCli(capture: string, width: number, height: number): string {
  const name = `dockshark-e2e-${process.pid}-${Date.now()}-${sessions.length}`;
  sessions.push(name);
  tmux('new-session', '-d', '-s', name, '-x', String(width), '-y', String(height), '-c', repoRoot,
    // CI=true: Ink draws nothing live under CI unless dockshark says otherwise; it must.
    `CI=true node ${cliPath} open ${capture}; echo dockshark-exited-$?; sleep 600`);
  return name;
}

const screen = (name: string) => tmux('capture-pane', '-p', '-t', name);

async function waitFor(name: string, test: (text: string) => boolean, what: string, ms = 30_000): Promise<string> {
  const until = Date.now() + ms;
  let text = '';
  while (Date.now() < until) {
    text = screen(name);
    if (test(text)) return text;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}; the screen was:\n${text}`);
}

/** Screen text as lines without trailing blanks, and without the blank lines at the bottom. */
function rows(text: string): string[] {
  const lines = text.split('\n').map((l) => l.trimEnd());
  while (lines.length > 0 && lines.at(-1) === '') lines.pop();
  return lines;
}

/** How the NAT pane writes an entry: original tuple, and the address:port it was translated to. */
function natCells(e: ConntrackEntry): [string, string] {
  const at = (ip: string, port?: number, id?: number) => (e.proto === 'icmp' ? `${ip} id ${id}` : `${ip}:${port}`);
  return [`${at(e.original.src, e.original.sport, e.original.id)} > ${at(e.original.dst, e.original.dport, e.original.id)}`,
    `src ${at(e.reply.dst, e.reply.dport, e.reply.id)}`];
}

afterAll(() => {
  if (hasTmux) for (const name of sessions) spawnSync('tmux', ['kill-session', '-t', name]);
});

describe.skipIf(!hasTmux || !existsSync(cliPath))('dockshark in a terminal (tmux)', () => {
  it('steps to frames and shows the FDB and NAT the kernel had, then quits', async () => {
    const capture = join(scenario, 'napt-collide-multi.pcapng');
    const name = startCli(capture, 120, 40);
    await waitFor(name, (t) => t.includes('step 1/92'), 'the first screen');

    tmux('send-keys', '-t', name, ':', '27', 'Enter');
    const at27 = await waitFor(name, (t) => t.includes('frame 27 on eth0'), 'frame 27');
    expect(at27).toContain('#27: MASQUERADE: 172.17.0.4:40000 -> 198.51.100.2:4063 (port collision with 172.17.0.2)');
    expect(at27).toMatch(/\* udp +172\.17\.0\.4:40000 > 198\.51\.100\.1:7 +src 198\.51\.100\.2:4063 +new,remap/);

    tmux('send-keys', '-t', name, 'G');
    const last = await waitFor(name, (t) => t.includes('step 92/92 '), 'the last frame');
    const fdbTruth = JSON.parse(readFileSync(join(scenario, 'truth-host-docker0-fdb.json'), 'utf8')) as { mac: string; master?: string; state: string }[];
    const learned = fdbTruth.filter((e) => e.master === 'docker0' && e.state === '').map((e) => e.mac);
    expect(learned).toHaveLength(3);
    const right = layoutFor(120, 39).columns[0][0].width + 1; // where the tables' column starts
    const fdbPane = last.split('\n').map((l) => l.slice(right)).join('\n');
    expect(fdbPane).toContain('FDB (');
    for (const mac of learned) expect(fdbPane).toMatch(new RegExp(`^[ *] ${mac} `, 'm'));

    const translated = parseConntrack(readFileSync(join(scenario, 'truth-host-conntrack.txt'), 'utf8')).filter(isTranslated);
    expect(translated).toHaveLength(7);
    expect(last).toContain('NAT (7)');
    for (const entry of translated) {
      const [original, as] = natCells(entry);
      expect(last).toMatch(new RegExp(`[ *] ${entry.proto} +${original.replace(/\./g, '\\.')} +${as.replace(/\./g, '\\.')}`));
    }

    tmux('send-keys', '-t', name, 'q');
    await waitFor(name, (t) => t.includes('dockshark-exited-0'), 'the process to exit', 15_000);
  }, 90_000);

  it('says on quitting how many frames came later than the reordering window, as analyze does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dockshark-late-'));
    try {
      const capture = join(dir, 'late.pcap');
      writeFileSync(capture, lateFrameCapture(1));
      const name = startCli(capture, 120, 40);
      await waitFor(name, (t) => t.includes('step 1/2101'), 'the first screen');
      tmux('send-keys', '-t', name, 'q');
      await waitFor(name, (t) => t.includes('dockshark-exited-0'), 'the process to exit', 15_000);
      const after = tmux('capture-pane', '-p', '-J', '-t', name); // -J: the line is wider than the terminal
      expect(after).toContain('dockshark: 1 frame arrived later than the reordering window (1 s / 256 frames) allowed and was analysed out of time order.');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('draws each paint whole: after steps and resizes the terminal shows exactly the frame the App renders', async () => {
    const capture = join(scenario, 'napt-collide-multi.pcapng');
    const name = startCli(capture, 120, 40);
    await waitFor(name, (t) => t.includes('step 1/92'), 'the first screen');
    // The same App in-process, given the same keys and sizes (the CLI leaves the terminal's last line free).
    const s = session([capture]);
    s.first();
    const app = render(createElement(App, { session: s, width: 120, height: 39 }));
    try {
      const expectSame = async (what: string) => {
        await sleep(50);
        const expected = rows(plain(app.lastFrame()));
        // The terminal gets there once the CLI has painted; if it never does, show the difference.
        const until = Date.now() + 10_000;
        while (Date.now() < until && JSON.stringify(rows(screen(name))) !== JSON.stringify(expected)) await sleep(100);
        expect(rows(screen(name)), what).toEqual(expected);
      };
      const type = async (keys: string[], inProcess: string) => {
        tmux('send-keys', '-t', name, ...keys);
        app.stdin.write(inProcess);
      };
      await type([':', '27', 'Enter'], ':27\r');
      await expectSame('frame 27 at 120x40');
      for (let i = 0; i < 5; i++) await type(['n'], 'n');
      await expectSame('five steps on');
      for (const [width, height, key] of [[100, 30, 'p'], [80, 24, 'n'], [80, 20, 'n'], [130, 45, 'p']] as const) {
        tmux('resize-window', '-t', name, '-x', String(width), '-y', String(height));
        app.rerender(createElement(App, { session: s, width, height: height - 1 }));
        await expectSame(`resized to ${width}x${height}`);
        await type([key], key);
        await expectSame(`a step at ${width}x${height}`);
      }
      tmux('send-keys', '-t', name, 'q');
      await waitFor(name, (t) => t.includes('dockshark-exited-0'), 'the process to exit', 15_000);
    } finally {
      app.unmount();
    }
  }, 90_000);
});
