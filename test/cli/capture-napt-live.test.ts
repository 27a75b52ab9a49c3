// NAPT live, end to end, as root, in namespaces this test creates (the lab's napt and
// napt-collide scenarios, ../shared/lab/dockerlab.sh and captures/lab-extra.sh): a host
// namespace with a docker0-like bridge, three containers behind it, an uplink to an
// "outside" peer (198.51.100.1, a documentation address), MASQUERADE for the bridge subnet
// and a published port (DNAT 8080 -> c1:80, TCP and UDP). `dockshark capture` runs on
// docker0 and the uplink while the containers ping, and send UDP and TCP, to the peer (two
// of them from the same source port or ICMP id, so the kernel remaps one: a port
// collision) and the peer connects to the published port. The kernel's own connection
// table (`conntrack -L -o extended`, dumped in the host namespace right after the traffic)
// must be what dockshark rebuilt, entry for entry, in the capture's report and in
// `dockshark verify` of the pcapng it wrote.
//
// Every link, address and iptables rule lives inside these namespaces (deleted afterwards
// with the processes in them); nothing is attached to the root namespace.
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openCapture } from '../../src/capture/open.js';
import { asReportTuples, isTranslated, parseConntrack, translationOf } from '../../src/topology/conntrack.js';
import { cliPath } from '../helpers/paths.js';
import { runCliAsync } from '../helpers/run-cli.js';
import { addNamespace, ip, netnsUnavailable, sh, veth } from './netns-helpers.js';

const has = (tool: string): boolean => spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim() !== '';
const missingTools = ['iptables', 'conntrack', 'ping'].filter((t) => !has(t));
const why = netnsUnavailable() ?? (missingTools.length > 0 ? `${missingTools.join(' and ')} not installed` : null);
if (why !== null) console.log(`skipping the NAPT live capture test: ${why}`);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockshark-napt-live-'));
const namespaces: string[] = [];
const children: ChildProcess[] = [];
afterAll(() => {
  // Processes keep a namespace alive after `ip netns del`: stop ours (every process in our
  // own namespaces was started by this test) before netns-helpers deletes the names.
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const ns of namespaces) {
    const pids = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).stdout.split('\n').filter((p) => /^\d+$/.test(p));
    for (const pid of pids) {
      try { process.kill(Number(pid), 'SIGKILL'); } catch { /* gone already */ }
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

type Obj = Record<string, unknown>;

const SUBNET = '172.17.0.0/16';
const GATEWAY = '172.17.0.1';
const HOST_OUT = '198.51.100.2';
const WAN = '198.51.100.1';
const CONTAINERS = ['172.17.0.2', '172.17.0.3', '172.17.0.4'];
/** Ping payload pattern of the end markers (see below). */
const MARKER = 'd0c5a4c0ffee';

// Echo servers and one-shot clients in Node (no socat/nc: a client that exits on the echo
// instead of after a timeout, and a server that says when it listens).
const SERVER = `
const dgram = require('node:dgram'), net = require('node:net');
const port = Number(process.argv[1]);
const u = dgram.createSocket('udp4');
u.on('message', (m, r) => u.send(m, r.port, r.address));
const t = net.createServer((s) => { s.on('error', () => {}); s.pipe(s); });
let up = 0;
const ready = () => { if (++up === 2) console.log('ready'); };
u.bind(port, ready);
t.listen(port, ready);`;
const CLIENT = `
const dgram = require('node:dgram'), net = require('node:net');
const [proto, host, port, sport, msg] = process.argv.slice(1);
setTimeout(() => { console.error('no echo from ' + host + ':' + port); process.exit(1); }, 30000).unref();
if (proto === 'udp') {
  const s = dgram.createSocket('udp4');
  s.on('message', (m) => { process.stdout.write(m); process.exit(0); });
  s.bind(Number(sport), () => s.send(msg, Number(port), host));
} else {
  const c = net.connect({ host, port: Number(port), localPort: Number(sport) || undefined }, () => c.end(msg));
  let got = '';
  c.on('data', (d) => { got += d; });
  c.on('close', () => { process.stdout.write(got); process.exit(got === msg ? 0 : 1); });
}`;

/** A command in a namespace, without blocking the event loop (dockshark's output keeps flowing). */
function exec(ns: string, argv: string[], timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('ip', ['netns', 'exec', ns, ...argv], { encoding: 'utf8', timeout: timeoutMs }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${argv.join(' ')} in ${ns}: ${error.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

/** Echo client: returns what came back. sport 0: any port. */
const client = (ns: string, proto: 'udp' | 'tcp', host: string, port: number, sport: number, msg: string): Promise<string> =>
  exec(ns, [process.execPath, '-e', CLIENT, proto, host, String(port), String(sport), msg]);

interface Started {
  child: ChildProcess;
  /** Resolves once the process's `stream` holds `line`; rejects if it exits first. */
  ready: Promise<void>;
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

/** Spawns a long-running process (`what`, for messages) in a namespace. */
function start(what: string, ns: string, argv: string[], line: string, stream: 'stdout' | 'stderr'): Started {
  const child = spawn('ip', ['netns', 'exec', ns, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const text = { stdout: '', stderr: '' };
  let markReady: () => void = () => undefined;
  let markFailed: (e: Error) => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => { markReady = resolve; markFailed = reject; });
  for (const s of ['stdout', 'stderr'] as const) {
    child[s]!.on('data', (d: Buffer) => {
      text[s] += d.toString();
      if (s === stream && text[s].includes(line)) markReady();
    });
  }
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    child.on('close', (code) => {
      markFailed(new Error(`${what} in ${ns} exited (${code}) before saying "${line}":\n${text.stderr}`));
      resolve({ code, ...text });
    });
  });
  return { child, ready, done };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => { setTimeout(r, ms); });

/** Frames per interface name in the pcapng dockshark is writing whose bytes hold `hex`; null while unreadable. */
function markerFrames(file: string, hex: string): Map<string, number> | null {
  const counts = new Map<string, number>();
  try {
    const source = openCapture(file);
    try {
      for (let f = source.next(); f !== null; f = source.next()) {
        if (Buffer.from(f.bytes).toString('hex').includes(hex)) counts.set(f.iface.name ?? '', (counts.get(f.iface.name ?? '') ?? 0) + 1);
      }
    } finally {
      source.close();
    }
  } catch {
    return null; // a block being written
  }
  return counts;
}

interface Conn { proto: string; type: string; original: Obj; reply: Obj }
const keyOf = (c: Conn): string => JSON.stringify([c.proto, c.type, c.original, c.reply]);
const inOurNetwork = (a: unknown): boolean => typeof a === 'string' && (a.startsWith('172.17.') || a.startsWith('198.51.100.'));

describe.skipIf(why !== null)('dockshark capture, NAPT live in namespaces', () => {
  it('rebuilds the translations conntrack holds, port collisions and published ports included', async (ctx) => {
    const host = addNamespace();
    const wan = addNamespace();
    const cs = CONTAINERS.map(() => addNamespace());
    namespaces.push(host, wan, ...cs);
    const [c1, c2, c3] = cs;

    // The host: docker0 with the containers' veths, eth0 to the outside peer, forwarding,
    // MASQUERADE and a published port, as Docker sets them up (`-p 8080:80` to c1).
    ip(host, 'link', 'add', 'docker0', 'type', 'bridge');
    ip(host, 'addr', 'add', `${GATEWAY}/16`, 'dev', 'docker0');
    ip(host, 'link', 'set', 'docker0', 'up');
    cs.forEach((c, i) => {
      veth(host, `veth${i + 1}c0ffee`, 'eth0', c);
      ip(host, 'link', 'set', `veth${i + 1}c0ffee`, 'master', 'docker0', 'up');
      ip(c, 'addr', 'add', `${CONTAINERS[i]}/16`, 'dev', 'eth0');
      ip(c, 'link', 'set', 'eth0', 'up');
      ip(c, 'route', 'add', 'default', 'via', GATEWAY);
    });
    veth(host, 'eth0', 'eth0', wan);
    ip(host, 'addr', 'add', `${HOST_OUT}/24`, 'dev', 'eth0');
    ip(host, 'link', 'set', 'eth0', 'up');
    ip(wan, 'addr', 'add', `${WAN}/24`, 'dev', 'eth0');
    ip(wan, 'link', 'set', 'eth0', 'up');
    ip(host, 'route', 'add', 'default', 'via', WAN);
    sh(host, 'sysctl -qw net.ipv4.ip_forward=1');
    // The kernel may lack NAT or conntrack's netlink interface (a module neither loaded nor
    // loadable from here): then the machine cannot run this test, say so and skip.
    const rules = spawnSync('ip', ['netns', 'exec', host, 'sh', '-c', [
      `iptables -t nat -A POSTROUTING -s ${SUBNET} ! -o docker0 -j MASQUERADE`,
      `iptables -t nat -A PREROUTING -i eth0 -p tcp --dport 8080 -j DNAT --to-destination ${CONTAINERS[0]}:80`,
      `iptables -t nat -A PREROUTING -i eth0 -p udp --dport 8080 -j DNAT --to-destination ${CONTAINERS[0]}:80`,
    ].join(' && ')], { encoding: 'utf8' });
    const listing = rules.status === 0 ? spawnSync('ip', ['netns', 'exec', host, 'conntrack', '-L'], { encoding: 'utf8' }) : null;
    const cannot = rules.status !== 0 ? `iptables cannot add NAT rules in a namespace here (${rules.stderr.trim()})`
      : listing?.status !== 0 ? `conntrack -L fails in a namespace here (${listing?.stderr.trim()})` : null;
    if (cannot !== null) {
      console.log(`skipping the NAPT live capture test: ${cannot}`);
      ctx.skip(cannot);
      return;
    }
    // conntrack forgets unanswered UDP and ICMP after 30 s and a closed TCP connection after
    // 120 s: on a loaded machine the traffic below can take that long, and the dump would then
    // lack entries dockshark rightly rebuilt. These timeouts are per namespace: 10 minutes here.
    const timeouts = ['udp_timeout', 'udp_timeout_stream', 'icmp_timeout', 'tcp_timeout_time_wait', 'tcp_timeout_close'];
    sh(host, `sysctl -qw ${timeouts.map((t) => `net.netfilter.nf_conntrack_${t}=600`).join(' ')}`);

    // Echo servers: the outside peer on 7 and 80, c1 on 80 (the published port's target).
    const servers = [start('the echo server', wan, [process.execPath, '-e', SERVER, '7'], 'ready', 'stdout'),
      start('the echo server', wan, [process.execPath, '-e', SERVER, '80'], 'ready', 'stdout'),
      start('the echo server', c1, [process.execPath, '-e', SERVER, '80'], 'ready', 'stdout')];
    await Promise.all(servers.map((s) => s.ready));

    const out = path.join(dir, 'napt-live.pcapng');
    // --duration is only a bound: the test stops the capture with SIGINT once the traffic
    // and its end markers are in the file.
    const capture = start('dockshark capture', host, [process.execPath, cliPath, 'capture', '-i', 'docker0', '-i', 'eth0', '-w', out, '--json', '--duration', '150'],
      'dockshark: capturing on ', 'stderr');
    await capture.ready;

    // Warm-up, translated by nobody: these pings (a container to its gateway, the peer to the
    // host) resolve the neighbours, so that the traffic below has no ARP in between.
    await Promise.all([exec(c3, ['ping', '-c', '3', '-i', '0.2', '-W', '5', GATEWAY]), exec(wan, ['ping', '-c', '3', '-i', '0.2', '-W', '5', HOST_OUT])]);

    // The traffic. Same TCP and UDP source port and same ICMP id from c1 and c2 to the same
    // destination: the kernel keeps c1's (its entry still lives) and remaps c2's.
    expect(await client(c1, 'tcp', WAN, 80, 45000, 'tcp-from-c1')).toBe('tcp-from-c1');
    expect(await client(c2, 'tcp', WAN, 80, 45000, 'tcp-from-c2')).toBe('tcp-from-c2');
    // Inbound to the published port: DNAT to c1:80.
    expect(await client(wan, 'tcp', HOST_OUT, 8080, 0, 'inbound-tcp')).toBe('inbound-tcp');
    expect(await client(wan, 'udp', HOST_OUT, 8080, 0, 'inbound-udp')).toBe('inbound-udp');
    await exec(c1, ['ping', '-e', '4660', '-c', '3', '-i', '0.2', '-W', '5', WAN]);
    await exec(c2, ['ping', '-e', '4660', '-c', '2', '-i', '0.2', '-W', '5', WAN]);
    await exec(c3, ['ping', '-c', '2', '-i', '0.2', '-W', '5', WAN]);
    expect(await client(c1, 'udp', WAN, 7, 40000, 'from-c1')).toBe('from-c1');
    expect(await client(c2, 'udp', WAN, 7, 40000, 'from-c2')).toBe('from-c2');
    expect(await client(c3, 'udp', WAN, 7, 40001, 'from-c3')).toBe('from-c3');

    // The kernel's table, in both formats src/topology/conntrack.ts reads.
    const dump = path.join(dir, 'conntrack-extended.txt');
    const plain = path.join(dir, 'conntrack.txt');
    fs.writeFileSync(dump, await exec(host, ['conntrack', '-L', '-o', 'extended']));
    fs.writeFileSync(plain, await exec(host, ['conntrack', '-L']));

    // End markers: a ping with a pattern on each side (docker0 in and out, eth0 in and out).
    // Each capture session delivers its frames in order, so once the four marker frames are
    // in the file, every frame of the traffic above is there (and in the analysis) too.
    await Promise.all([exec(c3, ['ping', '-c', '1', '-W', '5', '-p', MARKER, GATEWAY]), exec(wan, ['ping', '-c', '1', '-W', '5', '-p', MARKER, HOST_OUT])]);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const m = markerFrames(out, MARKER);
      if (m !== null && (m.get('docker0') ?? 0) >= 2 && (m.get('eth0') ?? 0) >= 2) break;
      if (Date.now() > deadline) break; // the checks below say what is missing
      await sleep(200);
    }
    capture.child.kill('SIGINT');
    const result = await capture.done;
    servers.forEach((s) => s.child.kill('SIGKILL'));

    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/dropped by dockshark: 0 /);
    const lines = result.stdout.trim().split('\n').map((l) => JSON.parse(l) as Obj);
    const report = lines[lines.length - 1].report as Obj;
    expect(report, 'the last NDJSON line is the report').toBeDefined();

    // The kernel's translations of our traffic. Entries left out, each for its reason: the
    // untranslated ones (the warm-up pings to the host itself, which no NAT touched:
    // dockshark must not report them, checked below), protocols other than TCP,
    // UDP and ICMP (IGMP the host sends on docker0, kept by conntrack as "unknown"), and
    // anything outside our addresses (none can exist in a fresh namespace; the filter
    // only says what counts).
    const all = parseConntrack(fs.readFileSync(dump, 'utf8'));
    // Both formats say the same (the same entries, taken a moment apart).
    const tuplesOf = (text: string): string[] => parseConntrack(text).map((e) => JSON.stringify(asReportTuples(e))).sort();
    expect(tuplesOf(fs.readFileSync(plain, 'utf8'))).toEqual(tuplesOf(fs.readFileSync(dump, 'utf8')));
    const ours = all.filter((e) => ['tcp', 'udp', 'icmp'].includes(e.proto) && inOurNetwork(e.original.src) && inOurNetwork(e.original.dst));
    const kernel: Conn[] = ours.filter(isTranslated).map((e) => ({ ...asReportTuples(e), type: translationOf(e).dnat ? 'dnat' : 'snat' }));
    const untranslated = ours.filter((e) => !isTranslated(e)).map((e) => asReportTuples(e));

    // What the scenario must have made the kernel do, or the comparison proves little.
    const find = (proto: string, src: string, dport: number | null): Conn[] =>
      kernel.filter((k) => k.proto === proto && k.original.src === src && (dport === null || k.original.dport === dport));
    expect(kernel, fs.readFileSync(dump, 'utf8')).toHaveLength(10);
    const [icmp1, icmp2] = [find('icmp', CONTAINERS[0], null), find('icmp', CONTAINERS[1], null)];
    expect(icmp1.map((k) => [k.original.id, k.reply.id])).toEqual([[4660, 4660]]);
    expect(icmp2.map((k) => k.original.id)).toEqual([4660]);
    expect(icmp2[0].reply.id, 'c2\'s ICMP id remapped').not.toBe(4660);
    expect(find('udp', CONTAINERS[0], 7).map((k) => [k.reply.dst, k.reply.dport])).toEqual([[HOST_OUT, 40000]]);
    const udp2 = find('udp', CONTAINERS[1], 7);
    expect(udp2.map((k) => k.original.sport)).toEqual([40000]);
    expect(udp2[0].reply.dport, 'c2\'s UDP source port remapped').not.toBe(40000);
    expect(find('tcp', CONTAINERS[0], 80).map((k) => k.reply.dport)).toEqual([45000]);
    const tcp2 = find('tcp', CONTAINERS[1], 80);
    expect(tcp2.map((k) => k.original.sport)).toEqual([45000]);
    expect(tcp2[0].reply.dport, 'c2\'s TCP source port remapped').not.toBe(45000);
    const published = kernel.filter((k) => k.type === 'dnat');
    expect(published.map((k) => [k.proto, k.original.dst, k.original.dport, k.reply.src, k.reply.sport]).sort())
      .toEqual([['tcp', HOST_OUT, 8080, CONTAINERS[0], 80], ['udp', HOST_OUT, 8080, CONTAINERS[0], 80]]);

    // dockshark's translations: exactly the kernel's (same protocol, tuples and kind), none
    // missing and none the kernel lacks, the remapped ports included.
    const nat = (report.nat as Obj[]).map((n) => ({ proto: n.proto, type: n.type, original: n.original, reply: n.reply }) as Conn);
    expect(nat.map(keyOf).sort(), `conntrack:\n${fs.readFileSync(dump, 'utf8')}`).toEqual(kernel.map(keyOf).sort());
    // The container side is docker0 for both kinds (before SNAT, after DNAT).
    for (const n of report.nat as Obj[]) expect([n.inside, n.outside]).toEqual(['docker0', 'eth0']);
    // Nothing untranslated taken for a translation (the warm-up and marker pings are there).
    expect(untranslated.length).toBeGreaterThanOrEqual(2);
    const events = lines.slice(0, -1);
    const remaps = events.filter((e) => e.kind === 'nat.remap').map((e) => [e.proto, e.from, e.to]).sort();
    expect(remaps).toEqual([['icmp', 4660, icmp2[0].reply.id], ['tcp', 45000, tcp2[0].reply.dport], ['udp', 40000, udp2[0].reply.dport]].sort());

    // `dockshark verify` of the written pcapng against the same dumps (both formats): every
    // translation agrees, nothing differs, nothing is left unchecked.
    const verified = await runCliAsync(['verify', out, '--kernel', dump, '--kernel', plain, '--json']);
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
    const v = JSON.parse(verified.stdout) as { agree: number; differ: number; unchecked: number; findings: { verdict: string; key: string; kernel: string | null; ours: string | null }[] };
    expect(v.findings.filter((f) => f.verdict !== 'agree'), verified.stdout).toEqual([]);
    expect([v.agree, v.differ, v.unchecked]).toEqual([2 * kernel.length, 0, 0]);
    for (const f of v.findings) expect(f.ours).toBe(f.kernel);
  }, 180_000);
});
