// The real CLI on damaged and non-capture files: unusable input is refused in one sentence
// with exit status 2 and no stack trace, whatever the command; a partly damaged file is read
// (exit 0) with one warning per problem naming offset, frame, block type and rule.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliPath, capturesDir } from '../helpers/paths.js';
import { runCli, type CliResult } from '../helpers/run-cli.js';
import { concat, epb, idb, payload, pcapHeader, pcapRecord, shb } from '../fixtures/damaged/build-damaged.js';

const dir = mkdtempSync(join(tmpdir(), 'dockshark-damaged-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, bytes: Uint8Array | string): string => {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
};

const html = file('page.pcap', '<!DOCTYPE html><html><body>not a capture</body></html>\n');
const good = join(capturesDir, 'bridge/bridge-docker0.pcap');
/** Three frames, the third record cut after 10 of its 62 data bytes. */
const cut = file('cut.pcap', concat(pcapHeader(), pcapRecord(payload(60, 1), { sec: 1 }), pcapRecord(payload(61, 2), { sec: 2 }), pcapRecord(payload(62, 3), { sec: 3 }).subarray(0, 26)));

/** Exactly one line on stderr, matching `pattern`, and no stack trace. */
function oneSentence(r: CliResult, pattern: RegExp | string): void {
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  expect(lines, r.stderr).toHaveLength(1);
  if (typeof pattern === 'string') expect(lines[0]).toBe(pattern);
  else expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at |Error:/);
}

describe('refusing unusable input: exit 2, one sentence', () => {
  const snapshot = file('snapshot.json', runCli(['snapshot', good]).stdout);
  const commands: [string, string[]][] = [
    ['decode', ['decode']],
    ['decode --ndjson', ['decode', '--ndjson']],
    ['analyze', ['analyze']],
    ['analyze --json', ['analyze', '--json']],
    ['stats', ['stats']],
    ['replay', ['replay', '--at', '1']],
    ['snapshot', ['snapshot']],
    ['check', ['check', '--expect', snapshot]],
    ['open (no terminal: the analyze tables)', ['open']],
  ];
  for (const [name, args] of commands) {
    it(`${name}: a file that is HTML`, () => {
      const r = runCli([...args, html]);
      expect(r.code).toBe(2);
      oneSentence(r, `dockshark: ${html}: not a pcap or pcapng file: starts with 3c 21 44 4f (looks like HTML).`);
      // the refusal alone: no empty tables or report for a file that was never read
      expect(r.stdout).toBe('');
    });
  }

  it('a usage error is 2 in every command, as unusable input is', () => {
    for (const args of [['analyze', '--limit', 'fbd=1', good], ['decode', '--no-such-option', good], ['stats', '--layers', 'nope', good], ['replay', '--at', 'x', good]]) {
      const r = runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('diff: either side unusable', () => {
    const r = runCli(['diff', html, good]);
    expect(r.code).toBe(2);
    oneSentence(r, /page\.pcap: not a pcap or pcapng file/);
    expect(r.stdout).toBe('');
  });

  it('an empty file, /dev/null and an empty standard input', () => {
    const empty = file('empty.pcap', '');
    for (const [path, shown] of [[empty, empty], ['/dev/null', '/dev/null'], ['-', 'standard input']]) {
      const r = runCli(['decode', path], '');
      expect(r.code, path).toBe(2);
      oneSentence(r, `dockshark: ${shown}: not a pcap or pcapng file: it is empty.`);
    }
  });

  it('a gzip-compressed capture says to decompress it', () => {
    const gz = spawnSync('gzip', ['-c', good]);
    if (gz.status !== 0) return console.log('skipping the gzip case: gzip is not installed');
    const r = runCli(['stats', file('capture.pcap.gz', gz.stdout)]);
    expect(r.code).toBe(2);
    oneSentence(r, /starts with 1f 8b 08 .. \(looks like gzip-compressed: decompress it first with gunzip\)\.$/);
  });

  it('a header that is cut, and a pcapng of an unknown major version', () => {
    const r = runCli(['decode', file('header.pcap', pcapHeader().subarray(0, 12))]);
    expect(r.code).toBe(2);
    oneSentence(r, /header\.pcap: The pcap file header is cut short: 12 of its 24 bytes are present\.$/);
    const v2 = runCli(['analyze', file('v2.pcapng', concat(shb({ major: 2 }), idb(), epb(payload(60, 1))))]);
    expect(v2.code).toBe(2);
    oneSentence(v2, /v2\.pcapng: The pcapng section at byte offset 0 has version 2\.0, which cannot be read\.$/);
  });

  it('paths that cannot be read: missing, a directory, no permission', () => {
    const missing = runCli(['decode', join(dir, 'nope.pcap')]);
    expect(missing.code).toBe(2);
    oneSentence(missing, /^dockshark: Cannot open capture file ".*nope\.pcap": no such file or directory\.$/);
    const directory = runCli(['analyze', dir]);
    expect(directory.code).toBe(2);
    oneSentence(directory, /it is a directory\.$/);
    if (process.getuid?.() === 0) return console.log('skipping the permission case: root reads any file');
    const locked = join(dir, 'locked.pcap');
    copyFileSync(good, locked);
    chmodSync(locked, 0);
    const denied = runCli(['stats', locked]);
    expect(denied.code).toBe(2);
    oneSentence(denied, /locked\.pcap": permission denied\.$/);
  });

  it('with several files, one unusable file makes the status 2 while the others are still read', () => {
    const r = runCli(['decode', good, html]);
    expect(r.code).toBe(2);
    expect(r.stdout.trim().split('\n').length).toBe(runCli(['decode', good]).stdout.trim().split('\n').length);
    oneSentence(r, /page\.pcap: not a pcap or pcapng file/);
  });

  it('escapes what it quotes: a file name holding terminal escapes', () => {
    const evil = file('evil\u001b[2J.pcap', '<html>');
    const r = runCli(['decode', evil]);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain('\u001b');
    expect(r.stderr).toContain('evil\\x1b[2J.pcap');
  });
});

describe('partly damaged files: read, exit 0, a warning naming offset, frame, block type and rule', () => {
  it('a pcap cut inside its third record', () => {
    const r = runCli(['decode', cut]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(2);
    oneSentence(r, `dockshark: ${cut}: at byte 177 after frame 2 (record): The file ends inside a record at byte offset 177: 26 of its 78 bytes are present, 52 are missing. Rule: a record holds its header and caplen bytes of packet data (pcap §5).`);
    for (const args of [['analyze'], ['stats'], ['replay'], ['snapshot']]) expect(runCli([...args, cut]).code, args[0]).toBe(0);
  });

  it('a pcapng whose second EPB has a block total length that is not a multiple of 4', () => {
    const bytes = concat(shb(), idb(), epb(payload(60, 1)), epb(payload(61, 2), { length: 94 }));
    const r = runCli(['decode', file('odd.pcapng', bytes)]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    oneSentence(r, /odd\.pcapng: at byte 140 after frame 1 \(Enhanced Packet Block \(0x00000006\)\): The block at byte offset 140 has an impossible total length of 94 bytes, so reading stops there\. Rule: block total length must be a multiple of 4 \(pcapng §3\.1\)\.$/);
  });

  it('standard input whose second record claims 0xFFFFFFF0 bytes', () => {
    const bytes = concat(pcapHeader(), pcapRecord(payload(60, 1)), pcapRecord(payload(60, 2), { capLen: 0xfffffff0 }));
    const r = runCli(['decode', '-'], Buffer.from(bytes));
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    oneSentence(r, /^dockshark: standard input: at byte 100 after frame 1 \(record\): The record at byte offset 100 claims 4294967280 captured bytes, more than the maximum frame size of 262144.*Rule: caplen must not exceed the maximum frame size/);
  });

  it('a nanosecond and a microsecond file on one command line are merged by time', () => {
    const micro = file('micro.pcap', concat(pcapHeader(), pcapRecord(payload(60, 1), { sec: 10, fraction: 500_000 })));
    const nano = file('nano.pcap', concat(pcapHeader({ magic: 0xa1b23c4d }), pcapRecord(payload(60, 2), { sec: 10, fraction: 499_999_999 })));
    const r = runCli(['decode', '--ndjson', micro, nano]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const frames = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { no: number; ts: string });
    // the nanosecond file's frame (.499999999 s) comes before the microsecond file's (.500000 s)
    expect(frames.map((f) => [f.no, f.ts])).toEqual([[1, '1970-01-01T00:00:10.499999999Z'], [2, '1970-01-01T00:00:10.500000000Z']]);
  });

  it('a FIFO with a writer is read like a file', async () => {
    const fifo = join(dir, 'live.fifo');
    if (spawnSync('mkfifo', [fifo]).status !== 0 || !existsSync(fifo)) return console.log('skipping the FIFO case: mkfifo failed');
    const child = spawn(process.execPath, [cliPath, 'decode', fifo], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    writeFileSync(fifo, readFileSync(good)); // opens the FIFO for writing: the reader is waiting for it
    const code = await new Promise<number | null>((done) => child.on('exit', done));
    expect(code).toBe(0);
    expect(stdout.trim().split('\n').length).toBe(runCli(['decode', good]).stdout.trim().split('\n').length);
  });
});

