// FrameDecoder.clone / Ipv4Reassembler.clone: checkpoints of cross-frame state for replay.
import { describe, expect, it } from 'vitest';
import { FrameDecoder } from '../../src/decode/index.js';
import { decodeOnce, protos } from '../helpers/decode.js';
import { eth, fill, ipv4, udp } from '../helpers/build.js';

const M1 = '02:00:00:00:00:01';
const M2 = '02:00:00:00:00:02';
const datagram = udp(5000, 7777, fill(3000 - 8));
/** A fragment of `datagram` (or of `other` bytes), id 7 unless given. */
const frag = (offset: number, length: number, more: boolean, id = 7, data = datagram) =>
  eth(M2, M1, 0x0800, ipv4({ src: '10.0.0.1', dst: '10.0.0.2', protocol: 17, id, mf: more, fragOffset: offset }, data.subarray(offset, offset + length)));

describe('FrameDecoder.clone', () => {
  it('carries pending fragments over: both decoders complete the datagram identically', () => {
    const a = new FrameDecoder({ vxlanPorts: [8472] });
    decodeOnce(frag(0, 1480, true), 1, { decoder: a });
    const b = a.clone();
    expect(b.ctx.reassembler.size).toBe(1);
    for (const d of [a, b]) expect(protos(decodeOnce(frag(2960, 40, false), 1, { decoder: d }).layers)).toEqual(['eth', 'ipv4']);
    const doneA = decodeOnce(frag(1480, 1480, true), 1, { decoder: a });
    const doneB = decodeOnce(frag(1480, 1480, true), 1, { decoder: b });
    expect(protos(doneA.layers)).toEqual(['eth', 'ipv4', 'udp']);
    expect(doneA.layers[1]).toMatchObject({ reassembled: true, fragments: 3 });
    expect(doneB).toEqual(doneA);
    expect(a.ctx.reassembler.size).toBe(0);
    expect(b.ctx.reassembler.size).toBe(0);
  });

  it('is independent: what the original decodes afterwards does not reach the clone', () => {
    const a = new FrameDecoder();
    decodeOnce(frag(0, 1480, true), 1, { decoder: a });
    const b = a.clone();
    // A completes the datagram, then reuses its buffer for another datagram with other bytes.
    decodeOnce(frag(1480, 1480, true), 1, { decoder: a });
    expect(a.ctx.reassembler.size).toBe(1);
    decodeOnce(frag(2960, 40, false), 1, { decoder: a });
    expect(a.ctx.reassembler.size).toBe(0);
    const other = udp(6000, 8888, fill(3000 - 8, 99));
    decodeOnce(frag(0, 1480, true, 7, other), 1, { decoder: a });
    decodeOnce(frag(0, 8, true, 9), 1, { decoder: a });
    expect(a.ctx.reassembler.size).toBe(2);
    // B still holds only the first fragment, with its original bytes and no conflicts.
    expect(b.ctx.reassembler.size).toBe(1);
    expect(protos(decodeOnce(frag(1480, 1480, true), 1, { decoder: b }).layers)).toEqual(['eth', 'ipv4']);
    const done = decodeOnce(frag(2960, 40, false), 1, { decoder: b });
    expect(done.issues).toEqual([]);
    expect(done.layers[1]).toMatchObject({ reassembled: true, fragments: 3 });
    expect(done.layers[2]).toEqual({ proto: 'udp', sport: 5000, dport: 7777, length: 3000 });
    expect(b.ctx.reassembler.size).toBe(0);
    expect(a.ctx.reassembler.size).toBe(2);
  });

  it('keeps the options', () => {
    const a = new FrameDecoder({ verifyChecksums: false });
    const d = decodeOnce(frag(0, 8, false, 1), 1, { decoder: a.clone() });
    expect(d.layers[1]).toMatchObject({ proto: 'ipv4' });
    expect(d.layers[1].checksumOk ?? null).toBeNull();
  });
});
