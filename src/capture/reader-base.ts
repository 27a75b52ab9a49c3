// What the pcap and pcapng readers share: the FrameSource bookkeeping around one ByteSource.

import type { ByteSource } from './byte-source.js';
import { CaptureFrame } from './frame.js';
import type { InterfaceRegistry } from './interfaces.js';
import { Rule } from './spec-rules.js';
import type { WindowPool } from './window-pool.js';
import type { FrameSource, InterfaceInfo, InterfaceStats, ReadIssue, ReadIssueKind } from './types.js';

/** Where an issue lies and which rule it breaks (see ReadIssue). */
export interface IssuePlace {
  readonly blockType: string;
  readonly rule: string;
  readonly missingBytes?: number;
  readonly unusable?: boolean;
}

/** Issues listed per file (plus one saying more were counted); a corrupt file could report one per record. */
export const MAX_ISSUES_PER_FILE = 1000;

export abstract class CaptureFileReader implements FrameSource {
  readonly issues: ReadIssue[] = [];
  readonly stats: InterfaceStats[] = [];
  readonly names = new Map<string, string[]>();
  /** Issues not kept because MAX_ISSUES_PER_FILE was reached. */
  suppressedIssues = 0;
  /**
   * Follow mode, for a file still being written (the live UI's capture file): the end of the
   * file means "nothing more yet". next() returns null without ending, and a record cut by
   * the end is no truncation: it stays in the window and is read again once whole. Turned
   * off, the next end is the real one (a record cut there is reported as usual).
   */
  following = false;
  protected readonly frame = new CaptureFrame();
  protected finished = false;
  protected frameCount = 0;

  constructor(
    protected readonly source: ByteSource,
    readonly fileIndex: number,
    protected readonly registry: InterfaceRegistry,
  ) {}

  /** The registry's list: every interface of the run so far, indexed by id. */
  get interfaces(): readonly InterfaceInfo[] {
    return this.registry.interfaces;
  }

  /** True once nothing more will be read (the real end, damage, or close()), following or not. */
  get ended(): boolean {
    return this.finished;
  }

  /** Largest window the byte source used, in bytes (for memory checks). */
  get peakWindowBytes(): number {
    return this.source.peakWindowBytes;
  }

  abstract next(): CaptureFrame | null;

  pinWindows(pool: WindowPool): void {
    this.source.pin(pool);
  }

  close(): void {
    this.finished = true;
    this.source.close();
  }

  protected report(kind: ReadIssueKind, offset: number, message: string, where: IssuePlace): void {
    if (this.issues.length >= MAX_ISSUES_PER_FILE) {
      if (this.suppressedIssues++ === 0) {
        this.issues.push({
          kind,
          fileIndex: this.fileIndex,
          offset,
          frameNumber: this.frameCount,
          blockType: where.blockType,
          rule: Rule.issueLimit,
          message: `This file has more problems than the first ${MAX_ISSUES_PER_FILE} listed; the rest are only counted.`,
        });
      }
      return;
    }
    const issue: ReadIssue = {
      kind,
      fileIndex: this.fileIndex,
      offset,
      frameNumber: this.frameCount,
      blockType: where.blockType,
      rule: where.rule,
      message,
      ...(where.missingBytes === undefined ? {} : { missingBytes: where.missingBytes }),
      ...(where.unusable === true ? { unusable: true } : {}),
    };
    this.issues.push(issue);
  }

  /** Reports a problem after which nothing more can be read from this file. */
  protected stop(kind: ReadIssueKind, offset: number, message: string, where: IssuePlace): null {
    this.report(kind, offset, message, where);
    this.finished = true;
    return null;
  }

  /**
   * Called when fewer than `needed` bytes remain for the record at the read position:
   * a clean end when nothing is left, otherwise a 'truncated-record' issue. In follow mode:
   * null, to be read again later (see `following`).
   */
  protected endOfInput(needed: number, what: string, blockType: string): null {
    const source = this.source;
    if (this.following) {
      source.resume();
      return null;
    }
    const present = source.end - source.start;
    this.finished = true;
    if (present === 0) return null;
    return this.stopTruncated(source.fileOffset, present, needed, what, blockType);
  }

  /** The file ends after `present` of the `needed` bytes of the record at `offset`. */
  protected stopTruncated(offset: number, present: number, needed: number, what: string, blockType: string): null {
    const missing = needed - present;
    return this.stop(
      'truncated-record',
      offset,
      `The file ends inside ${what} at byte offset ${offset}: ${present} of its ${needed} bytes are present, ${missing} are missing.`,
      { blockType, rule: this.wholeRecordRule, missingBytes: missing },
    );
  }

  /** The rule a record cut by the end of the file breaks, in this format's words. */
  protected abstract readonly wholeRecordRule: string;

  protected nextFrameNumber(): number {
    return ++this.frameCount;
  }
}
