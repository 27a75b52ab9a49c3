// Timestamp text. Times stay split in seconds + nanoseconds end to end.

import { phrase, type Phrase, type TextSink } from '../decode/index.js';

let cachedSec = NaN;
let cachedPrefix = '';

/** RFC 3339 UTC with nanoseconds: 2026-11-22T21:42:11.767869457Z. */
export function isoTimestamp(sec: number, nsec: number): string {
  if (sec !== cachedSec) {
    const d = new Date(sec * 1000);
    cachedSec = sec;
    cachedPrefix = Number.isNaN(d.getTime()) ? `${sec}` : d.toISOString().slice(0, 19);
  }
  return cachedPrefix + '.' + String(nsec).padStart(9, '0') + 'Z';
}

let clockSec = NaN;
let clockPrefix: Phrase = phrase('');

/** "HH:MM:SS." of a time of day in UTC; frames come in time order, so the last one is kept. */
function clockPrefixOf(sec: number): Phrase {
  if (sec !== clockSec) {
    const day = ((sec % 86400) + 86400) % 86400;
    const h = Math.floor(day / 3600);
    const m = Math.floor((day % 3600) / 60);
    const s = day % 60;
    clockSec = sec;
    clockPrefix = phrase(`${h < 10 ? '0' : ''}${h}:${m < 10 ? '0' : ''}${m}:${s < 10 ? '0' : ''}${s}.`);
  }
  return clockPrefix;
}

/** Time of day in UTC, HH:MM:SS.ffffff (6 digits) or .fffffffff (9) when the capture has finer units. */
export function writeClockTimestamp(out: TextSink, sec: number, nsec: number, digits: 6 | 9): void {
  out.phrase(clockPrefixOf(sec));
  out.num(digits === 9 ? nsec : Math.floor(nsec / 1000), digits);
}
