// Opening capture files: sniff the format, pick the reader, merge several files by time.
//
// Errors: a path that cannot be opened or read throws an Error (an I/O failure the caller
// reports). Anything wrong with the *content* (empty file, unknown format, damage) never throws:
// it becomes a ReadIssue, and an unknown format gives a source with one 'bad-header' issue
// (marked `unusable`, its message the one-sentence refusal "not a pcap or pcapng file: starts
// with 3c 21 44 4f (looks like HTML).") and no frames, so one bad file among several does not
// stop the others. Length fields never size an allocation beyond `maxFrameBytes` plus block
// overhead (ByteSourceOptions).

import { ByteSource, type ByteSourceOptions } from './byte-source.js';
import { InterfaceRegistry } from './interfaces.js';
import { MergedFrameSource } from './merge.js';
import { classifyPcapMagic, PcapReader } from './pcap.js';
import { PCAPNG_SHB_TYPE, PcapngReader } from './pcapng.js';
import { refusalSentence, SNIFF_BYTES } from './format-sniff.js';
import { PCAP_FILE_HEADER, Rule } from './spec-rules.js';
import type { Direction, FrameSource, InterfaceInfo, InterfaceStats, RawFrame, ReadIssue } from './types.js';

export interface OpenOptions extends ByteSourceOptions {
  /**
   * Follow a file still being written (CaptureFileReader.following): its end is "nothing more
   * yet", not the end. Its header must already be whole (the live writer writes it first).
   */
  readonly follow?: boolean;
}

/** Opens one capture file ('-' is standard input) as a FrameSource numbering its frames 1..N. */
export function openCapture(
  path: string,
  fileIndex = 0,
  registry: InterfaceRegistry = new InterfaceRegistry(),
  options: OpenOptions = {},
): FrameSource {
  const source = ByteSource.open(path, options);
  try {
    source.ensure(4);
    const present = source.available;
    if (present < 4) {
      const head = source.bytes.slice(source.start, source.end);
      source.close();
      const message = present === 0 ? 'not a pcap or pcapng file: it is empty.'
        : `not a pcap or pcapng file: it is only ${present} byte${present === 1 ? '' : 's'} long (${hexBytes(head)}).`;
      return new UnreadableSource(fileIndex, registry, message);
    }
    const magic = source.view.getUint32(source.start, true);
    const reader = classifyPcapMagic(magic) !== null ? new PcapReader(source, fileIndex, registry)
      : magic === PCAPNG_SHB_TYPE ? new PcapngReader(source, fileIndex, registry) : null;
    if (reader !== null) {
      reader.following = options.follow === true;
      return reader;
    }
    source.ensure(Math.min(SNIFF_BYTES, source.maxWindowBytes)); // more of the head, to say what the file looks like
    const head = source.bytes.slice(source.start, Math.min(source.end, source.start + SNIFF_BYTES));
    source.close();
    return new UnreadableSource(fileIndex, registry, refusalSentence(head));
  } catch (error) {
    source.close();
    throw error;
  }
}

/**
 * Opens every path and merges their frames by timestamp (ties: earlier path first), numbering
 * them 1..N in merged order. Interface ids are global over all files.
 */
export function openCaptures(paths: readonly string[], options: OpenOptions = {}): FrameSource {
  const registry = new InterfaceRegistry();
  const sources: FrameSource[] = [];
  try {
    for (let i = 0; i < paths.length; i++) sources.push(openCapture(paths[i], i, registry, options));
  } catch (error) {
    for (const source of sources) source.close();
    throw error;
  }
  if (sources.length === 1) return sources[0];
  return new MergedFrameSource(sources, registry.interfaces);
}

function hexBytes(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join(' ');
}

/** The source for a file whose format is unknown: one unusable 'bad-header' issue, no frames. */
class UnreadableSource implements FrameSource {
  readonly issues: readonly ReadIssue[];
  readonly stats: readonly InterfaceStats[] = [];
  readonly names: ReadonlyMap<string, string[]> = new Map();

  constructor(
    fileIndex: number,
    private readonly registry: InterfaceRegistry,
    message: string,
  ) {
    this.issues = [{
      kind: 'bad-header', fileIndex, offset: 0, frameNumber: 0, blockType: PCAP_FILE_HEADER, rule: Rule.magic, message, unusable: true,
    }];
  }

  get interfaces(): readonly InterfaceInfo[] {
    return this.registry.interfaces;
  }

  next(): RawFrame | null {
    return null;
  }

  close(): void {}
}

/** A frame with its own copy of the bytes, safe to keep (tests and small tools only). */
export interface CopiedFrame {
  readonly no: number;
  readonly iface: InterfaceInfo;
  readonly tsSec: number;
  readonly tsNsec: number;
  readonly origLen: number;
  readonly bytes: Uint8Array;
  readonly fileOffset: number;
  readonly direction: Direction;
  readonly comments: string[] | null;
}

/** Reads a source to its end, copying every frame, then closes it. Not for big files. */
export function readAll(source: FrameSource): {
  frames: CopiedFrame[];
  issues: readonly ReadIssue[];
  interfaces: readonly InterfaceInfo[];
  stats: readonly InterfaceStats[];
  names: ReadonlyMap<string, string[]>;
} {
  const frames: CopiedFrame[] = [];
  try {
    for (let frame = source.next(); frame !== null; frame = source.next()) {
      frames.push({
        no: frame.no,
        iface: frame.iface,
        tsSec: frame.tsSec,
        tsNsec: frame.tsNsec,
        origLen: frame.origLen,
        bytes: frame.bytes.slice(),
        fileOffset: frame.fileOffset,
        direction: frame.direction,
        comments: frame.comments === null ? null : [...frame.comments],
      });
    }
  } finally {
    source.close();
  }
  return { frames, issues: source.issues, interfaces: source.interfaces, stats: source.stats, names: source.names };
}
