// Decode one frame for a test and get plain JSON layers back.
import { FrameDecoder, layerListToJson, type DecodeIssue, type LayerJson } from '../../src/decode/index.js';

export interface Decoded {
  layers: LayerJson[];
  issues: DecodeIssue[];
  direction: 'in' | 'out' | null;
  ifindex: number;
}

export function decodeOnce(bytes: Uint8Array, linkType = 1, options: { origLen?: number; decoder?: FrameDecoder; ifaceId?: number; tsSec?: number } = {}): Decoded {
  const decoder = options.decoder ?? new FrameDecoder();
  const out = decoder.decode({
    data: bytes, start: 0, end: bytes.length, origLen: options.origLen ?? bytes.length, tsSec: options.tsSec ?? 0, direction: null,
    iface: { id: options.ifaceId ?? 0, linkType },
  });
  return { layers: layerListToJson(out.layers), issues: [...out.issues], direction: out.direction, ifindex: out.ifindex };
}

export function protos(layers: LayerJson[]): string[] {
  return layers.map((l) => l.proto);
}
