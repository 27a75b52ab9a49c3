// Network namespaces for the live capture and inject tests: created with unique names
// (dstest-<pid>-<n>; DOCKSHARK_TEST_NETNS_PREFIX replaces `dstest`, so that runs sharing a
// machine can keep their namespaces apart), deleted by name after the test file. The root
// namespace's interfaces and addresses are never touched: every link is made inside a namespace.
import { execFileSync, spawnSync } from 'node:child_process';
import { afterAll } from 'vitest';

/** Why namespace tests cannot run here, or null when they can. */
export function netnsUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'not running as root';
  const r = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  if (r.status !== 0) return `\`ip netns\` is unavailable (${(r.stderr || String(r.error)).trim()})`;
  return null;
}

const created: string[] = [];
let counter = 0;

afterAll(() => {
  for (const name of created.splice(0)) spawnSync('ip', ['netns', 'del', name]);
});

/** A new namespace with lo up and IPv6 off (no router solicitations or MLD in the traffic). */
export function addNamespace(): string {
  const name = `${process.env.DOCKSHARK_TEST_NETNS_PREFIX ?? 'dstest'}-${process.pid}-${counter++}`;
  execFileSync('ip', ['netns', 'add', name]);
  created.push(name);
  sh(name, 'sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1; ip link set lo up');
  return name;
}

/** Runs a shell command inside a namespace; returns its stdout. */
export function sh(ns: string, command: string): string {
  return execFileSync('ip', ['netns', 'exec', ns, 'sh', '-c', command], { encoding: 'utf8' });
}

/** `ip ...` with -n NS. */
export function ip(ns: string, ...args: string[]): string {
  return execFileSync('ip', ['-n', ns, ...args], { encoding: 'utf8' });
}

/** A veth pair: `inside` moved to namespace `to` (or kept in `ns` when to is null). */
export function veth(ns: string, name: string, peer: string, to: string | null): void {
  ip(ns, 'link', 'add', name, 'type', 'veth', 'peer', 'name', peer, ...(to === null ? [] : ['netns', to]));
}

/** `bridge -j ...` inside a namespace, parsed. */
export function bridgeJson(ns: string, ...args: string[]): Record<string, unknown>[] {
  const text = execFileSync('bridge', ['-n', ns, '-j', ...args], { encoding: 'utf8' }).trim();
  return text === '' ? [] : (JSON.parse(text) as Record<string, unknown>[]);
}

/**
 * A host namespace with bridge br0 (10.88.0.1/24) and two "containers", each with eth0
 * (10.88.0.2 and 10.88.0.3) whose peer is veth1 / veth2 on br0.
 */
export function bridgeWithTwoContainers(): { host: string; c1: string; c2: string } {
  const host = addNamespace();
  const c1 = addNamespace();
  const c2 = addNamespace();
  ip(host, 'link', 'add', 'br0', 'type', 'bridge');
  ip(host, 'addr', 'add', '10.88.0.1/24', 'dev', 'br0');
  ip(host, 'link', 'set', 'br0', 'up');
  for (const [i, c] of [[1, c1], [2, c2]] as const) {
    veth(host, `veth${i}`, 'eth0', c);
    ip(host, 'link', 'set', `veth${i}`, 'master', 'br0', 'up');
    ip(c, 'addr', 'add', `10.88.0.${i + 1}/24`, 'dev', 'eth0');
    ip(c, 'link', 'set', 'eth0', 'up');
  }
  return { host, c1, c2 };
}
