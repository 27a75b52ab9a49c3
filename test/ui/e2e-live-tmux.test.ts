// End to end, as root: the live UI (`dockshark -i br0 -i veth1 -i veth2 -w FILE`) in a detached
// tmux session, inside namespaces this test creates (a bridge with two "containers"). The
// containers ping each other while the UI runs; the screen must show the frame count growing,
// the cursor following the newest frame (staying put after `g`, following again after `G`),
// and the FDB pane with each container's MAC on the
// port the kernel's own FDB (`bridge -j fdb show`) has it on. `q` must end the process with
// status 0 and the capture summary, and tshark must read the file back, every frame of it.
// The capture runs in a process of its own: without the terminal, gone once `q` has been
// answered, stopping (with a whole file; a temporary one deleted) when the UI is SIGKILLed,
// and when it is itself killed the UI says STOPPED and the summary says how it ended.
// Skipped, with the reason printed, when not root, without namespaces, tmux or the cap binding.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCap } from '../../src/capture/cap-binding.js';
import { layoutFor } from '../../src/ui/selectors/layout.js';
import { addNamespace, bridgeJson, bridgeWithTwoContainers, ip, netnsUnavailable, sh } from '../cli/netns-helpers.js';
import { cliPath, repoRoot } from '../helpers/paths.js';

function unavailable(): string | null {
  const why = netnsUnavailable();
  if (why !== null) return why;
  if (spawnSync('tmux', ['-V']).status !== 0) return 'tmux is not installed';
  if (!fs.existsSync(cliPath)) return `${cliPath} is not built (npm run build)`;
  try {
    loadCap();
  } catch (error) {
    return `the cap binding cannot be loaded (${(error as Error).message})`;
  }
  return null;
}

const why = unavailable();
if (why !== null) console.log(`skipping the live UI end-to-end test: ${why}`);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockshark-live-ui-'));
const sessions: string[] = [];
afterAll(() => {
  for (const name of sessions) spawnSync('tmux', ['kill-session', '-t', name]);
  fs.rmSync(dir, { recursive: true, force: true });
});

const tmux = (...args: string[]) => execFileSync('tmux', args, { encoding: 'utf8' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const screen = (name: string) => tmux('capture-pane', '-p', '-t', name);

async function waitFor<T>(read: () => T, test: (value: T) => boolean, what: string, ms = 30_000): Promise<T> {
  const until = Date.now() + ms;
  let value = read();
  while (!test(value) && Date.now() < until) {
    await sleep(100);
    value = read();
  }
  if (!test(value)) throw new Error(`timed out waiting for ${what}; last seen:\n${String(value)}`);
  return value;
}

/** The frame count of the status line (`LIVE br0,veth1,veth2: 12 frames | step 12/12 following | ...`). */
function status(text: string): { frames: number; step: number; length: number; following: boolean } | null {
  const m = /LIVE br0,veth1,veth2: (\d+) frames \| step (\d+)\/(\d+)( following)?/.exec(text);
  return m === null ? null : { frames: Number(m[1]), step: Number(m[2]), length: Number(m[3]), following: m[4] !== undefined };
}

describe.skipIf(why !== null)('the live UI in a terminal (tmux), in namespaces', () => {
  it('follows the pings, shows the FDB the kernel has, and writes a file tshark reads', async () => {
    const { host, c1, c2 } = bridgeWithTwoContainers();
    const out = path.join(dir, 'live.pcapng');
    const errFile = path.join(dir, 'stderr.txt');
    const name = `dockshark-live-e2e-${process.pid}-${Date.now()}`;
    sessions.push(name);
    // CI=true: Ink draws nothing live under CI unless dockshark says otherwise; it must.
    tmux('new-session', '-d', '-s', name, '-x', '120', '-y', '40', '-c', repoRoot,
      `CI=true ip netns exec ${host} ${process.execPath} ${cliPath} -i br0 -i veth1 -i veth2 -w ${out} 2>${errFile}; echo dockshark-exited-$?; sleep 600`);
    const stderr = () => (fs.existsSync(errFile) ? fs.readFileSync(errFile, 'utf8') : '');
    await waitFor(stderr, (t) => t.includes('dockshark: capturing on br0, veth1, veth2;'), 'the "capturing on" line');
    const first = await waitFor(() => screen(name), (t) => status(t) !== null, 'the live status line');
    const before = status(first)?.frames ?? 0;

    sh(c1, 'ping -c 3 -i 0.2 -W 1 10.88.0.3 >/dev/null');
    sh(c2, 'ping -c 3 -i 0.2 -W 1 10.88.0.2 >/dev/null');

    // The kernel's learned entries: each container's MAC on its veth.
    const kernel = bridgeJson(host, 'fdb', 'show', 'br', 'br0')
      .filter((e) => e.master === 'br0' && e.state !== 'permanent' && !(e.flags as string[] | undefined)?.includes('self'));
    const containerMacs = [c1, c2].map((c) => (JSON.parse(ip(c, '-j', 'link', 'show', 'eth0')) as { address: string }[])[0].address);
    expect(kernel.map((e) => e.mac).sort()).toEqual([...containerMacs].sort());
    const right = layoutFor(120, 39).columns[0][0].width + 1; // where the tables' column starts
    const fdbPane = (text: string) => text.split('\n').map((l) => l.slice(right)).join('\n');
    const shown = await waitFor(() => screen(name), (t) => {
      const s = status(t);
      return s !== null && s.frames > before + 12 && s.length === s.frames && kernel.every((e) => new RegExp(`^[ *] ${String(e.mac)} +${String(e.ifname)} `, 'm').test(fdbPane(t)));
    }, 'the FDB pane to show the kernel\'s entries and the new frames');
    const now = status(shown);
    // At the newest frame, following it, the count grown by the pings (and their ARP).
    expect(now).toMatchObject({ following: true });
    expect(now?.step).toBe(now?.frames);
    // Besides the two learned MACs, the host's own (local: the kernel's permanent entries), as
    // soon as a frame shows one: since the first frame of every session is captured, frame 1 may.
    const rows = [...fdbPane(shown).matchAll(/^[ *] ([0-9a-f:]{17}) +(\S+) .*$/gm)];
    const local = rows.filter((r) => / local /.test(r[0])).map((r) => r[1]);
    const permanent = new Set(bridgeJson(host, 'fdb', 'show', 'br', 'br0').filter((e) => e.state === 'permanent').map((e) => e.mac));
    for (const mac of local) expect(permanent.has(mac), `${mac} shown as local`).toBe(true);
    expect(rows.length - local.length).toBe(2);
    expect(fdbPane(shown)).toContain(`FDB (${rows.length})`);
    expect(shown).toMatch(/ \| -w \//); // the file kept (cut at the screen width)

    // Gone back to the first frame, the cursor stays there while frames come; G follows again.
    tmux('send-keys', '-t', name, 'g');
    await waitFor(() => status(screen(name)), (st) => st?.step === 1 && !st.following, 'the first frame, not following');
    sh(c1, 'ping -c 2 -i 0.2 -W 1 10.88.0.3 >/dev/null');
    const back = await waitFor(() => status(screen(name)), (st) => (st?.length ?? 0) > (now?.length ?? 0), 'more frames');
    expect(back).toMatchObject({ step: 1, following: false });
    tmux('send-keys', '-t', name, 'G');
    await waitFor(() => status(screen(name)), (st) => st !== null && st.following && st.step === st.length, 'following again');

    tmux('send-keys', '-t', name, 'q');
    await waitFor(() => screen(name), (t) => /dockshark-exited-\d+/.test(t), 'the process to exit', 15_000);
    expect(screen(name)).toContain('dockshark-exited-0');
    const summary = stderr();
    const captured = Number(/captured (\d+) frames/.exec(summary)?.[1]);
    const wrote = Number(/wrote (\d+) frames \(\d+ bytes\) to (.*)\.$/m.exec(summary)?.[1]);
    expect(summary, summary).toContain(`to ${out}.`);
    expect(wrote).toBe(captured);
    expect(captured).toBeGreaterThanOrEqual(now?.frames ?? 0);

    // tshark reads the whole file: every frame, each on the interface it was captured on.
    const tshark = spawnSync('tshark', ['-r', out, '-T', 'fields', '-e', 'frame.interface_name'], { encoding: 'utf8' });
    expect(tshark.status, tshark.stderr).toBe(0);
    const names = tshark.stdout.trim().split('\n');
    expect(names).toHaveLength(wrote);
    for (const iface of ['br0', 'veth1', 'veth2']) {
      expect(names.filter((n) => n === iface).length, iface).toBe(Number(new RegExp(`${iface} (\\d+)`).exec(summary)?.[1]));
    }
  }, 90_000);

  it('says what is wrong in one sentence, with exit 2, before any UI: an unknown interface, a bad filter', async () => {
    const ns = addNamespace();
    for (const [args, sentence] of [
      ['-i nope0', /^dockshark: there is no interface "nope0" here; `dockshark list-interfaces` lists those that can be captured\.$/m],
      ["-i lo -f 'port nonsense'", /^dockshark: .*capture filter "port nonsense" is not valid BPF/m],
    ] as const) {
      const name = `dockshark-live-e2e-${process.pid}-${Date.now()}-${sessions.length}`;
      sessions.push(name);
      tmux('new-session', '-d', '-s', name, '-x', '120', '-y', '40', '-c', repoRoot,
        `CI=true ip netns exec ${ns} ${process.execPath} ${cliPath} ${args}; echo dockshark-exited-$?; sleep 600`);
      const text = await waitFor(() => screen(name), (t) => /dockshark-exited-\d+/.test(t), 'the process to exit', 15_000);
      expect(text).toContain('dockshark-exited-2');
      expect(text).toMatch(sentence);
      expect(text).not.toContain('LIVE');
    }
  }, 60_000);
});

/** The live UI's capture process writing `file` (its command line names it), or null. */
function captureProcess(file: string): number | null {
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let args: string[];
    try {
      args = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue; // gone meanwhile
    }
    if (args.includes('capture-child') && args.some((a) => a.endsWith(file))) return Number(entry);
  }
  return null;
}

/** A process's state letter (R, S, Z...) and parent, or null when it is gone. */
function processState(pid: number): { state: string; ppid: number; tty: number } | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: f[0], ppid: Number(f[1]), tty: Number(f[4]) };
  } catch {
    return null;
  }
}

/** Gone, or a zombie waiting for init to reap it (after its parent was killed): it has exited either way. */
const exited = (pid: number) => {
  const s = processState(pid);
  return s === null || s.state === 'Z';
};

describe.skipIf(why !== null)('the live UI\'s capture process', () => {
  /** Starts `dockshark ARGS` in tmux in a new namespace; resolves once the status line shows. */
  async function startUi(args: string, env = ''): Promise<{ name: string; ns: string; errFile: string }> {
    const ns = addNamespace();
    const name = `dockshark-live-e2e-${process.pid}-${Date.now()}-${sessions.length}`;
    sessions.push(name);
    const errFile = path.join(dir, `${name}.stderr`);
    tmux('new-session', '-d', '-s', name, '-x', '120', '-y', '40', '-c', repoRoot,
      `${env} CI=true ip netns exec ${ns} ${process.execPath} ${cliPath} ${args} 2>${errFile}; echo dockshark-exited-$?; sleep 600`);
    await waitFor(() => screen(name), (t) => /(LIVE|STOPPED) lo: \d+ frames/.test(t), 'the live status line');
    return { name, ns, errFile };
  }
  const framesShown = (name: string) => Number(/(?:LIVE|STOPPED) lo: (\d+) frames/.exec(screen(name))?.[1] ?? -1);

  it('captures in a process of its own, away from the terminal, which ends when q is pressed', async () => {
    const out = path.join(dir, 'own-process.pcapng');
    const { name, ns, errFile } = await startUi(`-i lo -w ${out}`);
    const child = captureProcess(out);
    expect(child, 'a capture process writing the file').not.toBeNull();
    const pid = child as number;
    // Not the terminal's: no controlling terminal, and none of its standard streams is one.
    expect(processState(pid)?.tty).toBe(0);
    for (const fd of [0, 1, 2]) expect(fs.readlinkSync(`/proc/${pid}/fd/${fd}`)).not.toMatch(/^\/dev\/(pts|tty)/);
    sh(ns, 'ping -c 2 -i 0.2 -W 1 127.0.0.1 >/dev/null');
    // Two pings are four frames on lo; the count comes from the capture process.
    await waitFor(() => framesShown(name), (n) => n >= 4, 'the pings on the status line');
    tmux('send-keys', '-t', name, 'q');
    await waitFor(() => screen(name), (t) => /dockshark-exited-\d+/.test(t), 'the UI to exit', 15_000);
    expect(screen(name)).toContain('dockshark-exited-0');
    // The UI waited for it: gone, reaped, before the summary.
    expect(processState(pid)).toBeNull();
    const summary = fs.readFileSync(errFile, 'utf8');
    expect(summary).toMatch(/^dockshark: captured 4 frames in [\d.]+ s \(lo 4\); analysed 4\.$/m);
    expect(summary).toContain(`dockshark: wrote 4 frames (`);
  }, 60_000);

  it('stops when the UI is killed (SIGKILL), leaving a whole file; a temporary file is deleted', async () => {
    const out = path.join(dir, 'killed-ui.pcapng');
    const { name, ns } = await startUi(`-i lo -w ${out}`);
    const pid = captureProcess(out) as number;
    sh(ns, 'ping -c 2 -i 0.2 -W 1 127.0.0.1 >/dev/null');
    await waitFor(() => framesShown(name), (n) => n >= 4, 'the pings on the status line');
    process.kill(processState(pid)?.ppid as number, 'SIGKILL');
    await waitFor(() => exited(pid), (gone) => gone, 'the capture process to stop', 10_000);
    await waitFor(() => screen(name), (t) => t.includes('dockshark-exited-137'), 'the UI to be gone');
    const tshark = spawnSync('tshark', ['-r', out, '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8' });
    expect(tshark.status, tshark.stderr).toBe(0);
    expect(tshark.stdout.trim().split('\n')).toHaveLength(4);

    // No -w: the temporary file (and its directory) go with the capture when the UI is killed.
    const tmp = fs.mkdtempSync(path.join(dir, 'tmpdir-'));
    const second = await startUi('-i lo', `TMPDIR=${tmp}`);
    const [made] = fs.readdirSync(tmp);
    const temporary = path.join(tmp, made, 'capture.pcapng');
    const pid2 = captureProcess(temporary) as number;
    expect(pid2, 'a capture process writing the temporary file').not.toBeNull();
    process.kill(processState(pid2)?.ppid as number, 'SIGKILL');
    await waitFor(() => exited(pid2), (gone) => gone, 'the capture process to stop', 10_000);
    await waitFor(() => screen(second.name), (t) => t.includes('dockshark-exited-137'), 'the UI to be gone');
    expect(fs.readdirSync(tmp)).toEqual([]);
  }, 60_000);

  it('shows the capture stopped when its process dies, and says how in the summary', async () => {
    const out = path.join(dir, 'killed-capture.pcapng');
    const { name, ns, errFile } = await startUi(`-i lo -w ${out}`);
    sh(ns, 'ping -c 1 -W 1 127.0.0.1 >/dev/null');
    await waitFor(() => framesShown(name), (n) => n >= 2, 'the ping on the status line');
    process.kill(captureProcess(out) as number, 'SIGKILL');
    await waitFor(() => screen(name), (t) => /STOPPED lo: 2 frames/.test(t), 'STOPPED on the status line');
    tmux('send-keys', '-t', name, 'q');
    await waitFor(() => screen(name), (t) => /dockshark-exited-\d+/.test(t), 'the UI to exit', 15_000);
    expect(screen(name)).toContain('dockshark-exited-1');
    expect(fs.readFileSync(errFile, 'utf8')).toMatch(/^dockshark: the capture process ended \(killed by SIGKILL\) before it could report its counts: it captured at least 2 frames; analysed 2\./m);
  }, 60_000);
});
