// `--match-by ip`: Docker gives every container a fresh MAC, so two recordings of the same
// network differ in every MAC. Each run's own ARP knowledge (its change log, then its final
// tables) says which IPv4 addresses each MAC claimed; the MAC is then called
// `mac-of(172.17.0.2)` in both runs. A second MAC for the same addresses (a container
// recreated) is `mac-of(172.17.0.3)#2`, numbered in the order the run first saw them.

import type { JsonValue } from '../../decode/index.js';
import type { Obj } from './normalise.js';

const list = (v: JsonValue | undefined): Obj[] => (Array.isArray(v) ? (v as Obj[]) : []);

function ipOrder(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 4; i++) if (pa[i] !== pb[i]) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return a.localeCompare(b);
}

export function macLabels(report: Obj, changes: readonly Obj[]): Map<string, string> {
  const ips = new Map<string, Set<string>>(); // in the order of the first claim
  const claim = (mac: JsonValue | undefined, ip: JsonValue | undefined): void => {
    if (typeof mac !== 'string' || typeof ip !== 'string') return;
    const key = mac.toLowerCase();
    const set = ips.get(key) ?? new Set<string>();
    set.add(ip);
    ips.set(key, set);
  };
  for (const c of changes) {
    if (typeof c.kind !== 'string' || !c.kind.startsWith('arp.')) continue;
    claim(c.previous, c.ip); // the MAC an address had before this change claimed it first
    claim(c.mac, c.ip);
    claim(c.other, c.ip);
  }
  const overlay = (report.overlay ?? {}) as Obj;
  for (const e of [...list(report.arp), ...list(overlay.vnis).flatMap((v) => list(v.arp))]) claim(e.mac, e.ip);
  const labels = new Map<string, string>();
  const used = new Map<string, number>();
  for (const [mac, set] of ips) {
    const base = `mac-of(${[...set].sort(ipOrder).join(',')})`;
    const n = (used.get(base) ?? 0) + 1;
    used.set(base, n);
    labels.set(mac, n === 1 ? base : `${base}#${n}`);
  }
  return labels;
}
