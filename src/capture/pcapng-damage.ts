// What the pcapng reader says about damage, and how it skips what it cannot use: split from
// pcapng.ts, which parses the blocks. Offsets passed as `at` are window offsets.

import { CaptureFileReader } from './reader-base.js';
import { pcapngBlockName, Rule } from './spec-rules.js';

/** Block types we skip without a word: custom blocks, decryption secrets, systemd journal, Apple process info. */
const QUIET_SKIP_TYPES = new Set([0x00000bad, 0x40000bad, 0x0000000a, 0x00000009, 0x80000001]);
const IDB_TYPE = 1;
const EPB_TYPE = 6;

/** IDB to EPB: the blocks we parse (and so must buffer whole). */
export function isParsedBlock(type: number): boolean {
  return type >= IDB_TYPE && type <= EPB_TYPE;
}

export abstract class PcapngDamageReporter extends CaptureFileReader {
  protected littleEndian = true;
  /** The window cap: a longer block is skipped by reading past it, never buffered. */
  protected get maxBlockBytes(): number {
    return this.source.maxWindowBytes;
  }
  private readonly reportedBlockTypes = new Set<number>();
  protected readonly wholeRecordRule = Rule.blockWhole;

  /**
   * Skips a block bigger than the window without buffering it, then checks its trailing length.
   * A block we would parse is reported as too long (its contents are lost), others as skipped types.
   */
  protected skipLargeBlock(type: number, length: number): void {
    const source = this.source;
    const offset = source.fileOffset;
    const skipped = source.discard(length - 4);
    if (skipped < length - 4 || !source.ensure(4)) {
      this.stopTruncated(offset, skipped + source.available, length, 'a block', pcapngBlockName(type));
    } else if (source.view.getUint32(source.start, this.littleEndian) !== length) {
      this.stopAtTrailerMismatch(offset, length, type);
    } else {
      source.start += 4;
      if (length > this.maxBlockBytes && isParsedBlock(type)) {
        this.report('bad-record', offset,
          `The block at byte offset ${offset} is ${length} bytes long, more than the ${this.maxBlockBytes} a block may have with the maximum frame size of ${source.maxFrameBytes}; it is skipped.`,
          { blockType: pcapngBlockName(type), rule: Rule.blockLengthMax });
      } else this.noteSkippedType(type, offset);
    }
  }

  /** `offset` is a file offset. */
  protected noteSkippedType(type: number, offset: number): void {
    if (QUIET_SKIP_TYPES.has(type) || this.reportedBlockTypes.has(type)) return;
    this.reportedBlockTypes.add(type);
    this.report('unsupported', offset, `Blocks of type 0x${type.toString(16).padStart(8, '0')} (first at byte offset ${offset}) are not understood and were skipped.`, {
      blockType: pcapngBlockName(type), rule: Rule.knownBlockType,
    });
  }

  protected skipBlock(at: number, what: string, type: number, rule: string): false {
    const offset = this.source.windowFileOffset + at;
    this.report('bad-record', offset, `The file has ${what} at byte offset ${offset}; it is skipped.`, { blockType: pcapngBlockName(type), rule });
    return false;
  }

  protected reportBadOption(at: number, type: number): void {
    const offset = this.source.windowFileOffset + at;
    this.report('bad-option', offset, `The option at byte offset ${offset} does not fit its block; the rest of the block's options are ignored.`, {
      blockType: pcapngBlockName(type), rule: Rule.optionFits,
    });
  }

  protected stopAtTrailerMismatch(offset: number, length: number, type: number): null {
    return this.stop(
      'bad-record',
      offset,
      `The block at byte offset ${offset} does not end with a copy of its length (${length}), so reading stops there.`,
      { blockType: pcapngBlockName(type), rule: Rule.blockLengthTrailer },
    );
  }
}
