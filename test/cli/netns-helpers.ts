// Network namespaces for the live capture and inject tests: created with unique names
// (dstest-<pid>-<n>), deleted by name after the test file. The root namespace's
// interfaces and addresses are never touched: every link is made inside a namespace.
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
  const name = `dstest-${process.pid}-${counter++}`;
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
