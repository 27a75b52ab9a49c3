// `dockshark inject`, as root, in a namespace this test creates: a recorded bridge trace
// replayed into a fresh bridge (one veth per original port, --map) leaves the kernel's FDB
// with the MACs on the ports `dockshark analyze` predicted for that trace.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { capturesDir, cliPath } from '../helpers/paths.js';
import { runCli } from '../helpers/run-cli.js';
import { addNamespace, bridgeJson, ip, netnsUnavailable } from './netns-helpers.js';

const why = netnsUnavailable();
if (why !== null) console.log(`skipping the inject tests: ${why}`);

type Obj = Record<string, unknown>;
const trace = path.join(capturesDir, 'bridge/bridge-multi.pcapng');

describe.skipIf(why !== null)('dockshark inject', () => {
  it('replays a bridge trace so the kernel learns what analyze predicted', () => {
    const analysed = JSON.parse(runCli(['analyze', '--json', trace]).stdout) as Obj;
    const bridge = (analysed.bridges as Obj[])[0];
    const predicted = (bridge.fdb as Obj[]).filter((e) => !e.local && typeof e.port === 'string');
    const ports = [...new Set(predicted.map((e) => e.port as string))].sort();
    expect(ports.length).toBe(3);
    const ns = addNamespace();
    ip(ns, 'link', 'add', 'br0', 'type', 'bridge');
    ip(ns, 'link', 'set', 'br0', 'up');
    const maps: string[] = [];
    ports.forEach((port, i) => {
      // p<i> is the bridge port; frames sent on its peer e<i> enter the bridge there.
      ip(ns, 'link', 'add', `p${i}`, 'type', 'veth', 'peer', 'name', `e${i}`);
      ip(ns, 'link', 'set', `p${i}`, 'master', 'br0', 'up');
      ip(ns, 'link', 'set', `e${i}`, 'up');
      maps.push('--map', `${port}=e${i}`);
    });
    // The frames each station sent, as captured on its own port (a port's capture also holds
    // what the bridge sent to it, which must not be sent back in).
    const only = predicted.map((e) => `(frame.interface_name == "${String(e.port)}" and eth.src == ${String(e.mac)})`).join(' or ');
    const r = spawnSync('ip', ['netns', 'exec', ns, process.execPath, cliPath, 'inject', trace, ...maps, '--speed', '50', '--only', only], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status, r.stderr).toBe(0);
    const sent = /^sent (\d+) frames .* (\d+) frames\/s/m.exec(r.stdout);
    expect(sent, r.stdout).not.toBeNull();
    expect(Number(sent?.[1])).toBeGreaterThan(10);
    const kernel = bridgeJson(ns, 'fdb', 'show', 'br', 'br0').filter((e) => e.state !== 'permanent');
    const byMac = new Map(kernel.map((e) => [e.mac, e.ifname]));
    for (const e of predicted) {
      expect(byMac.get(e.mac), String(e.mac)).toBe(`p${ports.indexOf(e.port as string)}`);
    }
  }, 40_000);

  it('keeps a fixed rate with --pps and loops with --loop', () => {
    const ns = addNamespace();
    ip(ns, 'link', 'add', 'x0', 'type', 'veth', 'peer', 'name', 'x1');
    ip(ns, 'link', 'set', 'x0', 'up');
    ip(ns, 'link', 'set', 'x1', 'up');
    const r = spawnSync('ip', ['netns', 'exec', ns, process.execPath, cliPath, 'inject', trace, '-i', 'x0', '--pps', '200', '--loop', '2', '--only', 'arp'],
      { encoding: 'utf8', timeout: 30_000 });
    expect(r.status, r.stderr).toBe(0);
    const m = /^sent (\d+) frames .* in ([\d.]+) s: (\d+) frames\/s.*; 2 passes/m.exec(r.stdout);
    expect(m, r.stdout).not.toBeNull();
    const arpFrames = runCli(['decode', trace]).stdout.split('\n').filter((l) => / ARP/.test(l)).length;
    expect(arpFrames).toBeGreaterThan(0);
    expect(Number(m?.[1])).toBe(2 * arpFrames);
    expect(Number(m?.[3])).toBeGreaterThan(120);
    expect(Number(m?.[3])).toBeLessThan(260);
  }, 40_000);
});
