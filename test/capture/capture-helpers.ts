// Shared helpers for the capture tests: temp files, hex fixtures, reading a buffer end to end.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import type { ByteSourceOptions } from '../../src/capture/byte-source.js';
import { InterfaceRegistry } from '../../src/capture/interfaces.js';
import { openCapture, readAll } from '../../src/capture/open.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const corpusDir = path.resolve(repoRoot, '../shared/corpus');

let tempDir: string | null = null;
let fileCounter = 0;

// Registered while the importing test file is collected, so each file cleans up after itself.
afterAll(() => {
  if (tempDir !== null) fs.rmSync(tempDir, { recursive: true, force: true });
  tempDir = null;
});

/** A fresh path in a temp directory that is removed after the test file. */
export function tempPath(name = 'capture'): string {
  tempDir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'dockshark-capture-test-'));
  return path.join(tempDir, `${fileCounter++}-${name}`);
}

export function writeTemp(bytes: Uint8Array, name?: string): string {
  const file = tempPath(name);
  fs.writeFileSync(file, bytes);
  return file;
}

/** Bytes from hex text; spaces, newlines and `|` separators are ignored. */
export function hex(text: string): Uint8Array {
  const digits = text.replace(/[\s|]/g, '');
  if (digits.length % 2 !== 0) throw new Error(`Odd number of hex digits in ${text}.`);
  return Uint8Array.from(digits.match(/../g) ?? [], (pair) => parseInt(pair, 16));
}

/** Writes `bytes` to a temp file and reads every frame (copied). */
export function readBytes(bytes: Uint8Array, options: ByteSourceOptions = {}) {
  const file = writeTemp(bytes);
  try {
    return readAll(openCapture(file, 0, new InterfaceRegistry(), options));
  } finally {
    fs.rmSync(file, { force: true });
  }
}

/** Deterministic frame content. */
export function pattern(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + seed * 7) & 0xff);
}

/** What a frame looks like for comparisons, without the interface object. */
export function summary(frame: { no: number; tsSec: number; tsNsec: number; origLen: number; bytes: Uint8Array }) {
  return { no: frame.no, tsSec: frame.tsSec, tsNsec: frame.tsNsec, origLen: frame.origLen, bytes: Array.from(frame.bytes) };
}
