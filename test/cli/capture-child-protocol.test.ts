// The messages between the live UI and its capture process (src/cli/capture-child-protocol.ts):
// every message survives encoding and parsing; the reader splits a stream cut anywhere into
// the same messages; and nothing the child could write (not JSON, wrong shapes, huge lines)
// makes the parse throw or pass on a field the UI would print or count wrongly.
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import type { CaptureCounts } from '../../src/capture/file-capture.js';
import { encodeMessage, MAX_LINE, MessageReader, parseMessage, type ChildMessage } from '../../src/cli/capture-child-protocol.js';

const COUNTS: CaptureCounts = {
  interfaces: ['br0', 'veth1'],
  received: [10, 5],
  total: 15,
  dropped: 0,
  truncated: 1,
  seconds: 2.5,
  missed: [{ name: 'br0', counted: 12, received: 10 }, { name: 'veth1', counted: 5, received: 5 }],
  written: { frames: 15, bytes: 1500, filesStarted: 1 },
};

const MESSAGES: ChildMessage[] = [
  { type: 'ready', interfaces: ['br0', 'veth1'] },
  { type: 'error', message: 'there is no interface "nope0" here; `dockshark list-interfaces` lists those that can be captured.', status: 2 },
  { type: 'error', message: 'ENOENT: no such file or directory, open \'/nope/x.pcapng\'', status: 1 },
  { type: 'progress', captured: 123456 },
  { type: 'stopped', counts: COUNTS },
  { type: 'stopped', counts: { ...COUNTS, missed: null, written: null } },
];

describe('the capture process messages', () => {
  it('parse back to what was encoded, one line each', () => {
    for (const message of MESSAGES) {
      const line = encodeMessage(message);
      expect(line.endsWith('\n')).toBe(true);
      expect(line.slice(0, -1)).not.toContain('\n');
      expect(parseMessage(line.slice(0, -1))).toEqual(message);
    }
  });

  it('are read from a stream cut anywhere, whole lines only', () => {
    const text = MESSAGES.map(encodeMessage).join('');
    for (let cut = 0; cut <= text.length; cut += 7) {
      const reader = new MessageReader();
      const got = [...reader.push(text.slice(0, cut)), ...reader.push(text.slice(cut))];
      expect(got).toEqual(MESSAGES);
    }
    // A line not yet ended is not a message yet.
    expect(new MessageReader().push(encodeMessage(MESSAGES[2]).slice(0, -1))).toEqual([]);
  });

  it('skip lines that are not messages, and go on with the next', () => {
    const reader = new MessageReader();
    const got = reader.push(['Warning: lo: no IPv4 address assigned - This may not actually work', '{"type":"progress"', '',
      '{"type":"progress","captured":-1}', '{"type":"nope"}', '[1,2]', 'null', '{"type":"progress","captured":3}', ''].join('\n'));
    expect(got).toEqual([{ type: 'progress', captured: 3 }]);
  });

  it('drop a line longer than MAX_LINE whole, even when it comes in pieces', () => {
    const reader = new MessageReader();
    // The end of the long line would parse as a message on its own: it must not.
    const tail = '{"type":"progress","captured":9}';
    expect(reader.push('x'.repeat(MAX_LINE / 2))).toEqual([]);
    expect(reader.push('x'.repeat(MAX_LINE / 2 + 1))).toEqual([]);
    expect(reader.push(`${tail}\n${encodeMessage(MESSAGES[2])}`)).toEqual([MESSAGES[2]]);
    // Without the excess, the same pieces are one line that is no message, then the next.
    const short = new MessageReader();
    short.push('x'.repeat(10));
    expect(short.push(`${tail}\n${encodeMessage(MESSAGES[2])}`)).toEqual([MESSAGES[2]]);
  });

  it('refuse counts the summary would print wrongly', () => {
    const stopped = (counts: Record<string, unknown>) => parseMessage(JSON.stringify({ type: 'stopped', counts: { ...COUNTS, ...counts } }));
    expect(stopped({})).not.toBeNull();
    expect(stopped({ received: [10] })).toBeNull(); // one count per interface
    expect(stopped({ total: -1 })).toBeNull();
    expect(stopped({ total: 1.5 })).toBeNull();
    expect(stopped({ total: '15' })).toBeNull();
    expect(stopped({ seconds: -1 })).toBeNull();
    expect(stopped({ seconds: null })).toBeNull();
    expect(stopped({ interfaces: ['br0', 7] })).toBeNull();
    expect(stopped({ missed: [{ name: 'br0', counted: 1 }] })).toBeNull();
    expect(stopped({ missed: {} })).toBeNull();
    expect(stopped({ written: { frames: 1, bytes: 2 } })).toBeNull();
    expect(stopped({ written: undefined })).toBeNull();
    expect(parseMessage('{"type":"ready","interfaces":[]}')).toBeNull();
    expect(parseMessage('{"type":"error","message":7,"status":2}')).toBeNull();
    expect(parseMessage('{"type":"error","message":"x"}')).toBeNull();
    expect(parseMessage('{"type":"error","message":"x","status":0}')).toBeNull();
    // Fields beyond the protocol's are not kept.
    expect(parseMessage('{"type":"progress","captured":1,"extra":{"x":1}}')).toEqual({ type: 'progress', captured: 1 });
    expect(stopped({ extra: 1 })).toEqual({ type: 'stopped', counts: COUNTS });
  });

  test.prop([fc.string({ maxLength: 300 })])('never throw on any text', (text) => {
    const message = parseMessage(text);
    if (message !== null) expect(encodeMessage(message)).toBeTypeOf('string');
    expect(() => new MessageReader().push(text)).not.toThrow();
  });

  test.prop([fc.oneof(fc.jsonValue(), fc.record({ type: fc.constantFrom('ready', 'error', 'progress', 'stopped'), counts: fc.jsonValue(),
    interfaces: fc.jsonValue(), message: fc.jsonValue(), status: fc.jsonValue(), captured: fc.jsonValue() }, { requiredKeys: ['type'] }))])(
    'never throw on any JSON, and give only messages that encode back to themselves', (value) => {
      const message = parseMessage(JSON.stringify(value));
      if (message !== null) expect(parseMessage(encodeMessage(message).slice(0, -1))).toEqual(message);
    });
});
