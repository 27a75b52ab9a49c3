// Shared shapes of the capture layer: what a reader hands to the decoders.
//
// Readers are zero-copy: a RawFrame's `bytes` is a view into the reader's
// chunk buffer and stays valid only until the next call to that reader's
// `next()`. Code that keeps frame bytes must copy them.

import type { WindowPool } from './window-pool.js';
/** libpcap LINKTYPE_* values we understand (https://www.tcpdump.org/linktypes.html). */
export const LinkType = {
  NULL: 0,
  EN10MB: 1,
  RAW: 101,
  LOOP: 108,
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
  LINUX_SLL2: 276,
} as const;

/** Direction of a frame relative to the capturing interface. */
export type Direction = 'in' | 'out' | null;

/** One capture interface: a pcapng IDB, or the single implicit interface of a classic pcap. */
export interface InterfaceInfo {
  /** Index in the merged interface list of the whole run (0-based). */
  readonly id: number;
  /** Which input file (index in the list given to the reader). */
  readonly fileIndex: number;
  /** pcapng section number inside that file (0 for classic pcap). */
  readonly section: number;
  /** Interface id inside the section (pcapng IDB order; 0 for classic pcap). */
  readonly localId: number;
  readonly linkType: number;
  /** Maximum captured length in bytes, 0 when unlimited/unknown. */
  readonly snapLen: number;
  /** if_name, or null (classic pcap never knows it). */
  readonly name: string | null;
  readonly description: string | null;
  /** Timestamp units per second (10^6 for microseconds, 10^9 for nanoseconds, or 2^n). */
  readonly unitsPerSecond: number;
  /** if_tsoffset in seconds, added to every timestamp. */
  readonly tsOffsetSeconds: number;
  /**
   * Bytes of frame check sequence at the end of every frame: from the FCS bits of a classic
   * pcap link-type field or pcapng if_fcslen. 0 (or absent) when none or unknown.
   */
  readonly fcsLength?: number;
}

/**
 * A captured frame as read from the file. Reused by the reader: copy what you keep.
 * Timestamps are split into whole seconds and nanoseconds so no precision is lost
 * and no BigInt is needed per frame.
 */
export interface RawFrame {
  /** 1-based frame number in the merged sequence. */
  no: number;
  iface: InterfaceInfo;
  tsSec: number;
  tsNsec: number;
  /** Original length on the wire, in bytes. */
  origLen: number;
  /** Captured bytes: a view into the reader's buffer, valid until its next `next()`. */
  bytes: Uint8Array;
  /**
   * Zero-copy access without creating a view: the captured bytes are `data[start, end)`.
   * The readers create `bytes` lazily from these on first access; that subarray measured
   * about 60 ns per frame, so hot paths (the decoder) use these. Same lifetime as `bytes`.
   */
  data: Uint8Array;
  start: number;
  end: number;
  /** Byte offset of this record (pcap record header / pcapng block) in its file. */
  fileOffset: number;
  /** From pcapng epb_flags bits 0-1; null when the capture does not say. SLL pkttype is decoded later. */
  direction: Direction;
  /** pcapng comments attached to this packet (opt_comment), or null. */
  comments: string[] | null;
}

/** Kinds of problem a reader reports about the file itself (not about a frame's contents). */
export type ReadIssueKind =
  | 'truncated-record' // file ends inside a record: a killed tcpdump
  | 'bad-record' // a record's length fields are impossible: the record is skipped, and reading stops there when its length cannot be trusted
  | 'bad-header' // the file header / SHB is not usable
  | 'unsupported' // something we skip (unknown block type, unknown link type)
  | 'bad-option' // a pcapng option that does not fit its block
  | 'suspect-record'; // a record breaks a rule but is still read and kept (caplen > snaplen)

export interface ReadIssue {
  readonly kind: ReadIssueKind;
  readonly fileIndex: number;
  /** Byte offset in the file where the problem starts. */
  readonly offset: number;
  /**
   * Frames of this file read before the problem (the problem is at or after frame N of the
   * file; 0: before its first frame). Counted per file, not in the merged numbering.
   */
  readonly frameNumber: number;
  /** What holds the problem: "Enhanced Packet Block (0x00000006)", "record", "file header"... */
  readonly blockType: string;
  /** The rule broken, citing the format's specification: "block total length must be a multiple of 4 (pcapng §3.1)". */
  readonly rule: string;
  /** A whole sentence. */
  readonly message: string;
  /** True when nothing at all can be read from the file (wrong magic, empty, header unusable): the file is refused. */
  readonly unusable?: boolean;
  /** For 'truncated-record': how many bytes of the cut record are missing (at least this many
   * when the record's own length is unknown because its header is cut). */
  readonly missingBytes?: number;
}

/** True when some file could not be opened as a capture at all (the CLI exits 2). */
export function hasUnusableFile(issues: readonly ReadIssue[]): boolean {
  return issues.some((issue) => issue.unusable === true);
}

/** Statistics reported by a pcapng Interface Statistics Block. */
export interface InterfaceStats {
  readonly iface: InterfaceInfo;
  readonly tsSec: number;
  readonly tsNsec: number;
  /** isb_ifrecv, or null. */
  readonly received: number | null;
  /** isb_ifdrop, or null. */
  readonly dropped: number | null;
}

/** Something that yields frames one by one: a single file reader or a merge of several. */
export interface FrameSource {
  /** Next frame, or null at the end. The returned object (and its bytes) is reused. */
  next(): RawFrame | null;
  /** Interfaces seen so far, in id order. Grows as pcapng IDBs are read. */
  readonly interfaces: readonly InterfaceInfo[];
  /** Problems met so far with the files themselves. */
  readonly issues: readonly ReadIssue[];
  /** Interface statistics blocks seen so far. */
  readonly stats: readonly InterfaceStats[];
  /** Name resolution records seen so far (pcapng NRB): address string to names. */
  readonly names: ReadonlyMap<string, string[]>;
  /** Release file descriptors. Safe to call twice. */
  close(): void;
  /**
   * Optional: from now on the bytes of the frames handed out stay valid until `pool` frees
   * their window (window-pool.ts), so a consumer that holds frames need not copy them.
   * Sources without it hand out bytes valid only until the next call.
   */
  pinWindows?(pool: WindowPool): void;
}
