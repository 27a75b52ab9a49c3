// Writing frames read from captures back out (`decode -w`, `analyze -w`): the frames a
// filter kept, in the order given.
//
// pcapng keeps what the input said of each frame: its interface (an IDB per input
// interface, written before its first frame, with the name, description, link type,
// snaplen and FCS length), the original length, the direction (epb_flags) and packet
// comments. Timestamps are written in nanoseconds, the finest unit the readers keep.
// Classic pcap holds one link type: a frame of another is refused (ExportError), since
// pcapng is the format for such runs.

import { BufferedFileWriter } from './file-writer.js';
import { nanosecondUnits } from './live-clock.js';
import { encodeEpb, encodeIdb, encodeShb } from './pcapng-writer.js';
import { PcapFileWriter } from './pcap-writer.js';
import type { InterfaceInfo, RawFrame } from './types.js';

export type ExportFormat = 'pcap' | 'pcapng';

/** A frame the chosen format cannot hold: a whole sentence for the user. */
export class ExportError extends Error {
  override readonly name = 'ExportError';
}

/** The format a file name asks for: `.pcap` is classic pcap, anything else pcapng. */
export function exportFormatOf(path: string): ExportFormat {
  return /\.pcap$/i.test(path) ? 'pcap' : 'pcapng';
}

const PCAP_SNAPLEN = 262144;

export class FrameExporter {
  /** Frames written so far. */
  frames = 0;
  private readonly pcapng: BufferedFileWriter | null = null;
  private readonly pcap: { writer: PcapFileWriter | null; linkType: number } | null = null;
  /** Input interface id -> output IDB number (pcapng). */
  private readonly idbOf = new Map<number, number>();
  private readonly ts = { high: 0, low: 0 };

  constructor(readonly path: string, readonly format: ExportFormat = exportFormatOf(path), comment?: string) {
    if (format === 'pcapng') {
      this.pcapng = new BufferedFileWriter(path);
      this.pcapng.write(encodeShb({ comment, options: [{ code: 4, value: 'dockshark' }] }));
    } else {
      // the header needs the link type: written with the first frame
      this.pcap = { writer: null, linkType: -1 };
    }
  }

  write(frame: RawFrame): void {
    const bytes = frame.data.subarray(frame.start, frame.end);
    if (this.pcapng !== null) {
      nanosecondUnits(frame.tsSec, frame.tsNsec, this.ts);
      this.pcapng.write(encodeEpb({
        interfaceId: this.idb(frame.iface, this.pcapng),
        timestamp: this.ts,
        bytes,
        origLen: frame.origLen,
        flags: frame.direction === null ? undefined : frame.direction === 'in' ? 1 : 2,
        comments: frame.comments ?? undefined,
      }));
    } else this.pcapWriter(frame.iface).writeFrame({ tsSec: frame.tsSec, tsNsec: frame.tsNsec, bytes, origLen: frame.origLen });
    this.frames++;
  }

  close(): void {
    this.pcapng?.close();
    if (this.pcap !== null) {
      // a run that kept no frame still leaves a valid (empty) Ethernet file
      (this.pcap.writer ?? new PcapFileWriter(this.path, { nanoseconds: true, snapLen: PCAP_SNAPLEN })).close();
    }
  }

  private idb(iface: InterfaceInfo, out: BufferedFileWriter): number {
    let id = this.idbOf.get(iface.id);
    if (id === undefined) {
      id = this.idbOf.size;
      this.idbOf.set(iface.id, id);
      out.write(encodeIdb({
        linkType: iface.linkType,
        snapLen: iface.snapLen,
        name: iface.name ?? undefined,
        description: iface.description ?? undefined,
        tsresol: 9,
        fcsLengthBits: iface.fcsLength ? iface.fcsLength * 8 : undefined,
      }));
    }
    return id;
  }

  private pcapWriter(iface: InterfaceInfo): PcapFileWriter {
    const pcap = this.pcap as { writer: PcapFileWriter | null; linkType: number };
    if (pcap.writer === null) {
      pcap.linkType = iface.linkType;
      // FCS length in 16-bit words in bits 28-31 of the link-type field, bit 26 says it is there
      const fcsWords = (iface.fcsLength ?? 0) >> 1;
      pcap.writer = new PcapFileWriter(this.path, {
        nanoseconds: true, snapLen: Math.max(PCAP_SNAPLEN, iface.snapLen), linkType: iface.linkType,
        linkTypeFlags: fcsWords > 0 ? (fcsWords << 12) | 0x400 : 0,
      });
    } else if (iface.linkType !== pcap.linkType) {
      throw new ExportError(`${this.path}: a pcap file holds one link type, and these frames have ${pcap.linkType} and ${iface.linkType}; write a .pcapng instead.`);
    }
    return pcap.writer;
  }
}
