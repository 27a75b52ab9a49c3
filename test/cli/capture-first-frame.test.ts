// The first frame of a live capture is captured: each interface is read by one libpcap
// session per direction, and libpcap used to reject the first frame such a session
// received (see src/capture/direction-filter.ts). As root, in namespaces this test creates:
// a veth pair with static neighbours (no ARP), 3 pings across it, and two captures running
// at once on the receiving end, one without and one with a capture filter. Each must hold
// exactly the 3 requests (in) and the 3 replies (out), the first request included.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openCapture } from '../../src/capture/open.js';
import { cliPath } from '../helpers/paths.js';
import { addNamespace, ip, netnsUnavailable, sh, veth } from './netns-helpers.js';

const why = netnsUnavailable();
if (why !== null) console.log(`skipping the first-frame capture test: ${why}`);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockshark-first-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** `dockshark capture` in a namespace: resolves `ready` at its "capturing on" line, `done` when it exits. */
function capture(ns: string, args: string[]): { ready: Promise<void>; done: Promise<{ code: number | null; stderr: string }> } {
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((r) => { markReady = r; });
  const done = new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = spawn('ip', ['netns', 'exec', ns, process.execPath, cliPath, 'capture', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (stderr.includes('dockshark: capturing on ')) markReady();
    });
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('close', (code) => { clearTimeout(killer); markReady(); resolve({ code, stderr }); });
  });
  return { ready, done };
}

/** ICMP type, echo sequence number and direction of every frame of a capture. */
function icmpFrames(file: string): { type: number; seq: number; direction: string | null }[] {
  const source = openCapture(file);
  const out: { type: number; seq: number; direction: string | null }[] = [];
  for (let f = source.next(); f !== null; f = source.next()) {
    const b = f.bytes;
    const isIcmp = b.length >= 42 && b[12] === 0x08 && b[13] === 0x00 && b[23] === 1;
    out.push(isIcmp ? { type: b[34], seq: (b[40] << 8) | b[41], direction: f.direction } : { type: -1, seq: -1, direction: f.direction });
  }
  source.close();
  return out;
}

describe.skipIf(why !== null)('the first frame of a live capture', () => {
  it('is captured, in each direction, with and without a capture filter', async () => {
    const a = addNamespace();
    const b = addNamespace();
    veth(a, 'v0', 'v1', b);
    ip(a, 'addr', 'add', '10.89.0.1/24', 'dev', 'v0');
    ip(b, 'addr', 'add', '10.89.0.2/24', 'dev', 'v1');
    ip(a, 'link', 'set', 'v0', 'up');
    ip(b, 'link', 'set', 'v1', 'up');
    const macOf = (ns: string, dev: string): string => (JSON.parse(ip(ns, '-j', 'link', 'show', dev)) as { address: string }[])[0].address;
    // Static neighbours: the first frame on the wire is the first echo request, not an ARP request.
    ip(a, 'neigh', 'replace', '10.89.0.2', 'lladdr', macOf(b, 'v1'), 'dev', 'v0', 'nud', 'permanent');
    ip(b, 'neigh', 'replace', '10.89.0.1', 'lladdr', macOf(a, 'v0'), 'dev', 'v1', 'nud', 'permanent');

    const plain = path.join(dir, 'plain.pcapng');
    const filtered = path.join(dir, 'filtered.pcapng');
    const runs = [
      capture(a, ['-i', 'v0', '-w', plain, '--duration', '4']),
      capture(a, ['-i', 'v0', '-f', 'icmp', '-w', filtered, '--duration', '4']),
    ];
    await Promise.all(runs.map((r) => r.ready));
    sh(b, 'ping -c 3 -i 0.3 -W 1 10.89.0.1 >/dev/null');
    const results = await Promise.all(runs.map((r) => r.done));
    for (const r of results) expect(r.code, r.stderr).toBe(0);

    // Request and reply reach their two sessions within microseconds: which is read first
    // is up to epoll, so each capture is compared in (sequence, request first) order.
    const byExchange = (frames: ReturnType<typeof icmpFrames>) => [...frames].sort((x, y) => x.seq - y.seq || y.type - x.type);
    const expected = [1, 2, 3].flatMap((seq) => [{ type: 8, seq, direction: 'in' }, { type: 0, seq, direction: 'out' }]);
    expect(byExchange(icmpFrames(plain))).toEqual(expected);
    expect(byExchange(icmpFrames(filtered))).toEqual(expected);
  }, 60_000);
});
