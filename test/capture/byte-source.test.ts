// The byte source on its own, reading from standard input and fifos while a slow writer is
// still writing, and bounded memory on a file far bigger than the window.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ByteSource, DEFAULT_CHUNK_BYTES } from '../../src/capture/byte-source.js';
import { InterfaceRegistry } from '../../src/capture/interfaces.js';
import { openCapture, readAll } from '../../src/capture/open.js';
import { PcapReader } from '../../src/capture/pcap.js';
import { encodePcap, PcapFileWriter } from '../../src/capture/pcap-writer.js';
import { PcapngReader } from '../../src/capture/pcapng.js';
import { encodeEpb, encodeIdb, encodeShb, PcapngFileWriter } from '../../src/capture/pcapng-writer.js';
import { concatBytes } from '../../src/capture/pcap-writer.js';
import { pattern, repoRoot, tempPath, writeTemp } from './capture-helpers.js';

describe('ByteSource', () => {
  const bytes = pattern(1000, 1);

  it('makes n bytes available, compacting and growing only as needed', () => {
    const source = ByteSource.open(writeTemp(bytes), { chunkBytes: 64 });
    expect(source.ensure(10)).toBe(true);
    expect(source.bytes.length).toBe(64);
    source.start += 60;
    expect(source.fileOffset).toBe(60);
    expect(source.ensure(30)).toBe(true); // moves the 4 unread bytes to the front, refills
    expect(source.start).toBe(0);
    expect(source.windowFileOffset).toBe(60);
    expect(source.bytes[0]).toBe(bytes[60]);
    expect(source.ensure(300)).toBe(true); // a record bigger than the window: grow
    expect(source.bytes.length).toBeGreaterThanOrEqual(300);
    expect(source.peakWindowBytes).toBe(source.bytes.length);
    expect(Array.from(source.bytes.subarray(source.start, source.start + 300))).toEqual(Array.from(bytes.subarray(60, 360)));
    expect(source.view.buffer).toBe(source.bytes.buffer);
    source.close();
  });

  it('returns false at the end and keeps what did arrive', () => {
    const source = ByteSource.open(writeTemp(bytes), { chunkBytes: 128 });
    expect(source.discard(990)).toBe(990);
    expect(source.ensure(20)).toBe(false);
    expect(source.eof).toBe(true);
    expect(source.available).toBe(10);
    expect(source.fileOffset).toBe(990);
    source.close();
    source.close();
  });

  it('discards bytes beyond the window without keeping them', () => {
    const source = ByteSource.open(writeTemp(bytes), { chunkBytes: 64 });
    source.ensure(1);
    expect(source.discard(700)).toBe(700);
    expect(source.fileOffset).toBe(700);
    expect(source.ensure(4)).toBe(true);
    expect(source.bytes[source.start]).toBe(bytes[700]);
    expect(source.discard(1000)).toBe(300);
    expect(source.bytes.length).toBe(64);
    source.close();
  });

  it('never grows past its cap', () => {
    const source = ByteSource.open(writeTemp(bytes), { chunkBytes: 64, maxWindowBytes: 256 });
    expect(() => source.ensure(257)).toThrow(RangeError);
    expect(source.ensure(256)).toBe(true);
    expect(source.peakWindowBytes).toBe(256);
    source.close();
  });

  it('allocates no more than about twice the data for a length that points past the end', () => {
    const source = ByteSource.open(writeTemp(bytes), { chunkBytes: 64 });
    expect(source.ensure(1_000_000)).toBe(false); // within the default cap (maxFrameBytes + overhead)
    expect(source.peakWindowBytes).toBeLessThanOrEqual(4096);
    source.close();
  });
});

// A child process runs the reader (transpiled to plain JS) on '-' or a fifo.
let childDir = '';
const READER_SCRIPT = `
import { openCapture, readAll } from './capture/open.js';
import { createHash } from 'node:crypto';
if (process.env.TOUCH_STDIN) process.stdin.pause(); // libuv makes fd 0 non-blocking: EAGAIN path
const result = readAll(openCapture(process.argv[2]));
const hash = createHash('sha256');
for (const f of result.frames) hash.update(\`\${f.no} \${f.tsSec} \${f.tsNsec} \${f.origLen} \`).update(f.bytes);
process.stdout.write(JSON.stringify({ frames: result.frames.length, digest: hash.digest('hex'), issues: result.issues }));
process.exit(0);
`;
const WRITER_SCRIPT = `
import fs from 'node:fs';
const bytes = fs.readFileSync(process.argv[2]);
const cuts = [0, 7, 24, 31, 500, 1203, 5000, 5001, bytes.length];
for (let i = 1; i < cuts.length; i++) {
  fs.writeSync(1, bytes.subarray(Math.min(cuts[i - 1], bytes.length), Math.min(cuts[i], bytes.length)));
  await new Promise((resolve) => setTimeout(resolve, 40));
}
`;

beforeAll(() => {
  childDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockshark-capture-child-'));
  const sourceDir = path.join(repoRoot, 'src/capture');
  fs.mkdirSync(path.join(childDir, 'capture'));
  for (const name of fs.readdirSync(sourceDir).filter((n) => n.endsWith('.ts'))) {
    const { outputText } = ts.transpileModule(fs.readFileSync(path.join(sourceDir, name), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    });
    fs.writeFileSync(path.join(childDir, 'capture', name.replace(/\.ts$/, '.js')), outputText);
  }
  fs.writeFileSync(path.join(childDir, 'reader.mjs'), READER_SCRIPT);
  fs.writeFileSync(path.join(childDir, 'writer.mjs'), WRITER_SCRIPT);
});

afterAll(() => {
  if (childDir !== '') fs.rmSync(childDir, { recursive: true, force: true });
});

function runChild(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; feed?: Uint8Array } = {}) {
  return new Promise<{ frames: number; digest: string; issues: unknown[] }>((resolve, reject) => {
    const child = spawn(command, args, { cwd: childDir, env: { ...process.env, ...options.env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (err += chunk));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`Child exited with ${code}: ${err}`))));
    if (options.feed !== undefined) void feedSlowly(child.stdin, options.feed);
  });
}

/** Writes in uneven chunks (cutting records in half) with pauses, then closes. */
async function feedSlowly(stream: NodeJS.WritableStream, bytes: Uint8Array): Promise<void> {
  const cuts = [0, 3, 24, 40, 777, 2000, 2001, 4000, bytes.length];
  for (let i = 1; i < cuts.length; i++) {
    stream.write(bytes.subarray(Math.min(cuts[i - 1], bytes.length), Math.min(cuts[i], bytes.length)));
    await new Promise((resolve) => setTimeout(resolve, 40));
  }
  stream.end();
}

function sampleCapture(): { file: string; expected: { frames: number; digest: string } } {
  const frames = Array.from({ length: 60 }, (_, i) => ({ tsSec: 1000 + i, tsNsec: i * 7, bytes: pattern(40 + i * 3, i) }));
  const file = writeTemp(encodePcap(frames, { nanoseconds: true }));
  return { file, expected: { frames: 60, digest: '' } };
}

describe('standard input and fifos, written slowly', () => {
  it('reads the same frames from a regular file, a pipe on stdin, a socket on stdin and a fifo', async () => {
    const { file } = sampleCapture();
    const direct = await runChild(process.execPath, ['reader.mjs', file]);
    expect(direct.frames).toBe(60);
    expect(direct.issues).toEqual([]);

    const pipe = await runChild('sh', ['-c', `"${process.execPath}" writer.mjs "${file}" | "${process.execPath}" reader.mjs -`]);
    expect(pipe).toEqual(direct);

    const bytes = fs.readFileSync(file);
    const socket = await runChild(process.execPath, ['reader.mjs', '-'], { feed: bytes });
    expect(socket).toEqual(direct);
    const nonBlocking = await runChild(process.execPath, ['reader.mjs', '-'], { feed: bytes, env: { TOUCH_STDIN: '1' } });
    expect(nonBlocking).toEqual(direct);

    const fifo = path.join(childDir, 'capture.fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const reading = runChild(process.execPath, ['reader.mjs', fifo]);
    const handle = await fs.promises.open(fifo, 'w'); // completes once the child opens its end
    const cuts = [0, 5, 24, 100, 1500, 1501, bytes.length];
    for (let i = 1; i < cuts.length; i++) {
      await handle.write(bytes.subarray(cuts[i - 1], cuts[i]));
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
    await handle.close();
    expect(await reading).toEqual(direct);
  }, 20_000);

  it('reports a capture cut short on a pipe like one cut short on disk', async () => {
    const { file } = sampleCapture();
    const bytes = fs.readFileSync(file).subarray(0, 3001);
    const cut = writeTemp(bytes);
    const fromDisk = readAll(openCapture(cut));
    const fromPipe = await runChild(process.execPath, ['reader.mjs', '-'], { feed: bytes });
    expect(fromPipe.frames).toBe(fromDisk.frames.length);
    expect(fromPipe.issues).toEqual(fromDisk.issues);
    expect(fromDisk.issues).toMatchObject([{ kind: 'truncated-record' }]);
  }, 20_000);
});

describe('bounded memory', () => {
  const FILE_BYTES = 200 * 1024 * 1024;

  function measure(reader: PcapReader | PcapngReader): { frames: number; rssGrowth: number } {
    const baseline = process.memoryUsage.rss();
    let peak = baseline;
    let frames = 0;
    for (let frame = reader.next(); frame !== null; frame = reader.next()) {
      if ((++frames & 0x3ff) === 0) peak = Math.max(peak, process.memoryUsage.rss());
    }
    reader.close();
    expect(reader.issues).toEqual([]);
    return { frames, rssGrowth: peak - baseline };
  }

  it('reads a 200 MB pcap with the default window and flat memory', () => {
    const file = tempPath('big.pcap');
    try {
      const writer = new PcapFileWriter(file);
      const payload = pattern(1400, 7);
      let written = 0;
      while (writer.bytesWritten < FILE_BYTES) {
        writer.writeFrame({ tsSec: 1_700_000_000 + (written >> 10), tsNsec: (written & 0x3ff) * 1000, bytes: payload });
        written++;
      }
      writer.close();
      expect(fs.statSync(file).size).toBeGreaterThanOrEqual(FILE_BYTES);
      const reader = new PcapReader(ByteSource.open(file), 0, new InterfaceRegistry());
      const { frames, rssGrowth } = measure(reader);
      expect(frames).toBe(written);
      expect(reader.peakWindowBytes).toBe(DEFAULT_CHUNK_BYTES);
      expect(rssGrowth).toBeLessThan(32 * 1024 * 1024);
    } finally {
      fs.rmSync(file, { force: true });
    }
  }, 20_000);

  it('reads a 200 MB pcapng with the default window and flat memory', () => {
    const file = tempPath('big.pcapng');
    try {
      const writer = new PcapngFileWriter(file, { littleEndian: false });
      writer.writeBlock(concatBytes([encodeShb({ littleEndian: false }), encodeIdb({ littleEndian: false, tsresol: 9 })]));
      const payload = pattern(1401, 9);
      let written = 0;
      while (writer.bytesWritten < FILE_BYTES) {
        writer.writePacket(0, { high: 0x17a00000, low: written }, payload);
        if (written % 5000 === 0) writer.writeBlock(encodeEpb({ littleEndian: false, bytes: payload, comments: ['every 5000th'] }));
        written++;
      }
      writer.close();
      const reader = new PcapngReader(ByteSource.open(file), 0, new InterfaceRegistry());
      const { frames, rssGrowth } = measure(reader);
      expect(frames).toBe(written + Math.ceil(written / 5000));
      expect(reader.peakWindowBytes).toBe(DEFAULT_CHUNK_BYTES);
      expect(rssGrowth).toBeLessThan(32 * 1024 * 1024);
    } finally {
      fs.rmSync(file, { force: true });
    }
  }, 20_000);
});
