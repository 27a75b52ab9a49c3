// Report values in words, shared by the tables and the change log.

import type { JsonValue } from '../../decode/index.js';
import type { Obj } from './normalise.js';

export const str = (v: JsonValue | undefined): string => (v === null || v === undefined ? '-' : String(v));

/** Masked identifiers (ignore ports) are left out of a tuple; remap() says what is left of them. */
const masked = (v: JsonValue | undefined): boolean => v === '*' || v === 'kept' || v === 'remapped';

/** `172.17.0.2:40000 > 198.51.100.1:7`, or `172.17.0.2 > 198.51.100.1 id 4660` for ICMP. */
export function tuple(t: Obj, proto: string): string {
  if (proto === 'icmp') return `${str(t.src)} > ${str(t.dst)}${masked(t.id) ? '' : ` id ${str(t.id)}`}`;
  const port = (p: JsonValue | undefined): string => (masked(p) ? '' : `:${str(p)}`);
  return `${str(t.src)}${port(t.sport)} > ${str(t.dst)}${port(t.dport)}`;
}

/** `, source port kept` when ports are masked: whether NAT remapped the client's port (or echo id). */
export function remap(reply: Obj, proto: string): string {
  const v = proto === 'icmp' ? reply.id : reply.dport;
  return v === 'kept' || v === 'remapped' ? `, ${proto === 'icmp' ? 'id' : 'source port'} ${v}` : '';
}

export function port(v: JsonValue | undefined): string {
  return v === null || v === undefined ? 'an unknown port' : String(v);
}

/** One change in words: `arp.new 172.17.0.4 is-at 02:42:ac:11:00:04`. */
export function describeChange(c: Obj): string {
  const kind = str(c.kind);
  const vni = c.vni === undefined || c.vni === null ? '' : ` vni ${str(c.vni)}`;
  const proto = str(c.proto);
  const group = kind.split('.')[0];
  let what: string;
  if (group === 'arp') {
    what = `${str(c.ip)} is-at ${str(c.mac)}${c.previous !== undefined ? `, was ${str(c.previous)}` : ''}`
      + `${c.other !== undefined ? `, also claimed by ${str(c.other)}` : ''}${c.linkSrc !== undefined ? `, sent by ${str(c.linkSrc)}` : ''}`
      + `${c.gratuitous === true ? ' (gratuitous)' : ''}${vni}`;
  } else if (group === 'fdb') {
    const where = kind === 'fdb.move' ? `moved from ${port(c.from)} to ${port(c.to)}`
      : kind === 'fdb.flood' ? `flooded from ${str(c.src)}${c.port !== undefined ? ` in on ${port(c.port)}` : ''}` : `on ${port(c.port)}`;
    what = `${c.bridge === null || c.bridge === undefined ? '(unnamed)' : str(c.bridge)}${vni} ${str(c.mac)} ${where}`;
  } else if (group === 'nat' && typeof c.original === 'object' && typeof c.reply === 'object') {
    what = `${proto} ${tuple(c.original as Obj, proto)}, reply ${tuple(c.reply as Obj, proto)}${remap(c.reply as Obj, proto)}`
      + `${kind === 'nat.remap' && c.from !== '*' ? ` (port ${str(c.from)} -> ${str(c.to)})` : ''}`;
  } else if (kind === 'tunnel.new') {
    what = `vni ${str(c.vni)} ${str(c.local)} <-> ${str(c.remote)} port ${str(c.port)}`;
  } else if (kind === 'overlay.mtu') {
    what = `${str(c.problem)}${vni} ${str(c.src)} > ${str(c.dst)} mtu ${str(c.mtu)}`;
  } else if (group === 'overlay') {
    what = `vni ${str(c.vni)} ${str(c.mac)} ${kind === 'overlay.move' ? `moved from ${str(c.from)} to ${str(c.to)}` : `behind ${str(c.vtep)}`}`;
  } else {
    what = Object.entries(c).filter(([k]) => k !== 'kind').map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : str(v)}`).join(' ');
  }
  return `${kind} ${what}`;
}
