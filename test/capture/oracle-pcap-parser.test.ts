// Differential test: every classic microsecond pcap of the corpus (magic a1b2c3d4 in either byte
// order, the only format pcap-parser reads) gives the same records from pcap-parser and from ours.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCapture, readAll } from '../../src/capture/open.js';
import { corpusDir } from './capture-helpers.js';

interface ParserPacket {
  header: { timestampSeconds: number; timestampMicroseconds: number; capturedLength: number; originalLength: number };
  data: Buffer;
}
interface ParserEvents {
  on(event: 'packet', listener: (packet: ParserPacket) => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
  on(event: 'end', listener: () => void): void;
}

const require = createRequire(import.meta.url);
const pcapParser = require('pcap-parser') as { parse(input: fs.ReadStream): ParserEvents };

/**
 * pcap-parser's version check is `major != 2 && minor != 4`, so it reads a version 1.4 file,
 * which libpcap, tshark and we refuse ('bad-header'). Checked below rather than compared.
 */
const PARSER_ACCEPTS_BAD_VERSION = new Set(['libpcap__pcap-invalid-version-1.pcap']);

const hasCorpus = fs.existsSync(path.join(corpusDir, 'MANIFEST.tsv'));
if (!hasCorpus) console.log(`Skipping the pcap-parser oracle: ${corpusDir} is absent (it sits beside the project in CI, not in a fresh clone).`);

function isMicrosecondPcap(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  const magic = Buffer.alloc(4);
  const got = fs.readSync(fd, magic, 0, 4, 0);
  fs.closeSync(fd);
  return got === 4 && (magic.toString('hex') === 'a1b2c3d4' || magic.toString('hex') === 'd4c3b2a1');
}

/** Records as [sec, usec, caplen, origlen, hex bytes]; null when pcap-parser reports an error. */
function parseWithPcapParser(file: string): Promise<(string | number)[][] | null> {
  return new Promise((resolve) => {
    const stream = fs.createReadStream(file);
    const records: (string | number)[][] = [];
    let failed = false;
    const parser = pcapParser.parse(stream);
    parser.on('packet', ({ header, data }) => {
      // Same normalization as our reader: a fraction of a second or more is carried into the seconds.
      const sec = header.timestampSeconds + Math.floor(header.timestampMicroseconds / 1e6);
      records.push([sec, header.timestampMicroseconds % 1e6, header.capturedLength, header.originalLength, data.toString('hex')]);
    });
    parser.on('error', () => {
      failed = true;
    });
    parser.on('end', () => {
      stream.destroy(); // pcap-parser leaves the stream paused and open after an error
      resolve(failed ? null : records);
    });
  });
}

const files = hasCorpus
  ? fs
      .readdirSync(corpusDir)
      .filter((name) => /\.(pcap|cap)$/.test(name))
      .filter((name) => isMicrosecondPcap(path.join(corpusDir, name)))
      .sort()
  : [];

describe.skipIf(!hasCorpus)('pcap-parser as an oracle for classic microsecond pcaps', () => {
  it('finds the microsecond pcaps of the corpus', () => {
    expect(files.length).toBeGreaterThan(50);
  });

  for (const file of files) {
    it(`agrees with pcap-parser on ${file}`, async () => {
      const full = path.join(corpusDir, file);
      const theirs = await parseWithPcapParser(full);
      const result = readAll(openCapture(full));
      if (theirs === null) {
        // pcap-parser could not read it: nothing to compare, but we must have said why.
        expect(result.issues.length).toBeGreaterThan(0);
        return;
      }
      if (PARSER_ACCEPTS_BAD_VERSION.has(file)) {
        expect(theirs.length).toBeGreaterThan(0);
        expect(result.frames).toEqual([]);
        expect(result.issues.map((issue) => issue.kind)).toEqual(['bad-header']);
        return;
      }
      const ours = result.frames.map((frame) => [
        frame.tsSec,
        frame.tsNsec / 1000,
        frame.bytes.length,
        frame.origLen,
        Buffer.from(frame.bytes).toString('hex'),
      ]);
      expect(ours).toEqual(theirs);
    });
  }
});
