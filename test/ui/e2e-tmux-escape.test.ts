// End to end: the terminal UI in a real terminal (tmux) on a capture whose every string is
// hostile (test/helpers/hostile-capture.ts: ESC [2J, CR, BEL, a C1 CSI, U+202E, NUL, an OSC
// "set title" in a payload). Stepping through every frame must leave the pane's title as it
// was (an OSC that got through would set it) and show the names in their escaped form.
// Skipped, with the reason printed, without tmux or a built CLI.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliPath, repoRoot } from '../helpers/paths.js';
import { EVIL_SHOWN, hostile } from '../helpers/hostile-capture.js';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
if (!hasTmux) console.log('skipping the tmux escaping test: tmux is not installed');
if (!existsSync(cliPath)) console.log(`skipping the tmux escaping test: ${cliPath} is not built (npm run build)`);

const dir = mkdtempSync(join(tmpdir(), 'dockshark-escape-tmux-'));
const name = `dockshark-escape-${process.pid}-${Date.now()}`;
const tmux = (...args: string[]) => execFileSync('tmux', args, { encoding: 'utf8' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const screen = () => tmux('capture-pane', '-p', '-t', name);
const title = () => tmux('display-message', '-p', '-t', name, '#{pane_title}').trim();

async function waitFor(test: (text: string) => boolean, what: string, ms = 30_000): Promise<string> {
  const until = Date.now() + ms;
  let text = '';
  while (Date.now() < until) {
    text = screen();
    if (test(text)) return text;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}; the screen was:\n${text}`);
}

afterAll(() => {
  if (hasTmux) spawnSync('tmux', ['kill-session', '-t', name]);
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!hasTmux || !existsSync(cliPath))('hostile text in the terminal UI (tmux)', () => {
  it('steps through every frame without the capture setting the title or drawing raw controls', async () => {
    const capture = join(dir, 'hostile.pcapng');
    writeFileSync(capture, hostile);
    tmux('new-session', '-d', '-s', name, '-x', '160', '-y', '48', '-c', repoRoot,
      `CI=true node ${cliPath} open ${capture}; echo dockshark-exited-$?; sleep 600`);
    tmux('select-pane', '-t', name, '-T', 'untouched-title');
    const first = await waitFor((t) => /step 1\/\d+/.test(t), 'the first screen');
    const steps = Number(/step 1\/(\d+)/.exec(first)![1]);
    expect(steps).toBeGreaterThanOrEqual(4);
    const seen: string[] = [first];
    for (let step = 2; step <= steps; step++) {
      tmux('send-keys', '-t', name, 'n');
      seen.push(await waitFor((t) => t.includes(`step ${step}/${steps}`), `step ${step}`));
    }
    // An OSC 0 that reached the terminal would have renamed the pane to "pwned".
    expect(title()).toBe('untouched-title');
    const all = seen.join('\n');
    // Interface names are shown, escaped (tmux shows what the terminal got).
    expect(all).toContain(`veth${EVIL_SHOWN.slice(0, 12)}`);
    expect(all).not.toContain('pwned\x07');
    // eslint-disable-next-line no-control-regex
    expect(all).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
    tmux('send-keys', '-t', name, 'q');
    await waitFor((t) => t.includes('dockshark-exited-0'), 'the process to exit', 15_000);
  }, 120_000);
});
