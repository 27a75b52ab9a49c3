// Runs `tshark -q -z conv,... -z endpoints,...` and reads its text tables (tshark 4.0
// has no other output for them).
//
// The conversation tables print bytes through format_size: exact below 10 000
// ("9999 bytes"), truncated to a unit above ("71 kB" is 71 000..71 999), so their bytes
// are read as ranges. The endpoint tables print every count as a plain integer: they
// give the exact bytes per address and direction. `-n` keeps addresses numeric
// (no "Broadcast" or vendor names); LC_ALL=C keeps thousands unseparated, and
// separators are stripped anyway.
import { execFile, spawnSync } from 'node:child_process';

export const TSHARK_TABLES = ['eth', 'ip', 'ipv6', 'udp', 'tcp'] as const;
export type TsharkTable = (typeof TSHARK_TABLES)[number];

/** tshark's section titles. */
const TITLES: Record<string, TsharkTable> = { Ethernet: 'eth', IPv4: 'ip', IPv6: 'ipv6', UDP: 'udp', TCP: 'tcp' };

/** A byte count: exact when min === max. */
export interface Bytes {
  min: number;
  max: number;
}

export interface TsharkConversation {
  /** "address" or "address:port" as tshark prints them (IPv6 without brackets). */
  a: string;
  b: string;
  aToB: { frames: number; bytes: Bytes };
  bToA: { frames: number; bytes: Bytes };
  frames: number;
  bytes: Bytes;
  start: number;
  duration: number;
}

export interface TsharkEndpoint {
  /** "address" or "address:port". */
  address: string;
  frames: number;
  bytes: number;
  tx: { frames: number; bytes: number };
  rx: { frames: number; bytes: number };
}

export interface TsharkStats {
  conversations: Record<TsharkTable, TsharkConversation[]>;
  endpoints: Record<TsharkTable, TsharkEndpoint[]>;
}

export function tsharkVersion(): string | null {
  const r = spawnSync('tshark', ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return null;
  return /TShark \(Wireshark\) (\S+)/.exec(r.stdout)?.[1] ?? 'unknown';
}

/** `vxlanPorts`: UDP ports to decode as VXLAN besides 4789 (`-d udp.port==N,vxlan`). */
export function runTsharkStats(file: string, vxlanPorts: readonly number[] = []): Promise<TsharkStats> {
  const args = ['-n', '-q', '-r', file];
  for (const p of vxlanPorts) args.push('-d', `udp.port==${p},vxlan`);
  for (const t of TSHARK_TABLES) args.push('-z', `conv,${t}`, '-z', `endpoints,${t}`);
  return new Promise((resolvePromise, reject) => {
    // A cut file makes tshark exit 2 after printing the tables of what it read: keep those.
    execFile('tshark', args, { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' }, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (!stdout.includes('====')) reject(new Error(`tshark gave no tables for ${file}: ${error?.message ?? ''} ${stderr}`));
      else resolvePromise(parseTsharkStats(stdout));
    });
  });
}

const NUM = String.raw`(\d[\d,']*)`;
const SIZE = String.raw`${NUM} (bytes|[kMGT]B)`;
const CONV_ROW = new RegExp(String.raw`^(\S+)\s+<->\s+(\S+)\s+${NUM}\s+${SIZE}\s+${NUM}\s+${SIZE}\s+${NUM}\s+${SIZE}\s+(-?\d+\.\d+)\s+(-?\d+\.\d+)\s*$`);
const ENDPOINT_ROW = new RegExp(String.raw`^(\S+)\s+(?:(\d+)\s+)?${NUM}\s+${NUM}\s+${NUM}\s+${NUM}\s+${NUM}\s+${NUM}\s*$`);
const UNIT: Record<string, number> = { bytes: 1, kB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12 };

const int = (text: string): number => Number(text.replace(/[,']/g, ''));

function size(count: string, unit: string): Bytes {
  const n = int(count);
  const u = UNIT[unit];
  return { min: n * u, max: (n + 1) * u - 1 };
}

export function parseTsharkStats(text: string): TsharkStats {
  const conversations = Object.fromEntries(TSHARK_TABLES.map((t) => [t, []])) as unknown as TsharkStats['conversations'];
  const endpoints = Object.fromEntries(TSHARK_TABLES.map((t) => [t, []])) as unknown as TsharkStats['endpoints'];
  let section: { table: TsharkTable; kind: 'conv' | 'endpoints' } | null = null;
  for (const line of text.split('\n')) {
    const title = /^(\S+) (Conversations|Endpoints)$/.exec(line);
    if (title) {
      const table = TITLES[title[1]];
      if (table === undefined) throw new Error(`unknown tshark table: ${line}`);
      section = { table, kind: title[2] === 'Conversations' ? 'conv' : 'endpoints' };
      continue;
    }
    if (section === null || line.startsWith('=') || line.startsWith('Filter:') || /^\s+\|/.test(line) || line.trim() === '') continue;
    if (section.kind === 'conv') {
      const m = CONV_ROW.exec(line);
      if (!m) throw new Error(`unreadable tshark conversation row: ${line}`);
      conversations[section.table].push({
        a: m[1], b: m[2],
        bToA: { frames: int(m[3]), bytes: size(m[4], m[5]) },
        aToB: { frames: int(m[6]), bytes: size(m[7], m[8]) },
        frames: int(m[9]), bytes: size(m[10], m[11]),
        start: Number(m[12]), duration: Number(m[13]),
      });
    } else {
      const m = ENDPOINT_ROW.exec(line);
      const ported = section.table === 'udp' || section.table === 'tcp';
      if (!m || ported !== (m[2] !== undefined)) throw new Error(`unreadable tshark endpoint row: ${line}`);
      endpoints[section.table].push({
        address: m[2] === undefined ? m[1] : `${m[1]}:${m[2]}`,
        frames: int(m[3]), bytes: int(m[4]),
        tx: { frames: int(m[5]), bytes: int(m[6]) },
        rx: { frames: int(m[7]), bytes: int(m[8]) },
      });
    }
  }
  return { conversations, endpoints };
}
