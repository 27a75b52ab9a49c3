// Shared by the simulator tests: decode a built frame with our own decoder, verify the
// UDP/TCP checksums it does not check, and run a YAML topology with --run commands.
import { internetChecksum } from '../../src/decode/checksum.js';
import { FrameDecoder, type Layer } from '../../src/decode/index.js';
import { parseRun } from '../../src/simulate/run-grammar.js';
import { simulate, type SimResult } from '../../src/simulate/simulate.js';
import { parseSimTopology } from '../../src/simulate/spec-parse.js';

export function decodeBytes(bytes: Uint8Array): { layers: Layer[]; issues: string[] } {
  const decoder = new FrameDecoder({ vxlanPorts: [4789] });
  const frame = decoder.decode({ data: bytes, start: 0, end: bytes.length, origLen: bytes.length, tsSec: 0, direction: null, iface: { id: 0, linkType: 1 } });
  return { layers: frame.layers.toArray().map((l) => ({ ...l }) as Layer), issues: frame.issues.map((i) => `${i.layer} ${i.kind}: ${i.message}`) };
}

/** Every IPv4 header in the frame (outer and inner) and its UDP/TCP checksum (with the pseudo-header) sum to 0. */
export function checksumsOk(bytes: Uint8Array): boolean {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 14;
  for (;;) {
    if (view.getUint16(at - 2) !== 0x0800) return true;
    const ihl = (view.getUint8(at) & 0x0f) * 4;
    if (internetChecksum(view, at, ihl, 0) !== 0) return false;
    const total = view.getUint16(at + 2);
    const proto = view.getUint8(at + 9);
    const l4 = at + ihl;
    const length = total - ihl;
    const pseudo = view.getUint16(at + 12) + view.getUint16(at + 14) + view.getUint16(at + 16) + view.getUint16(at + 18) + proto + length;
    if (proto === 6 && internetChecksum(view, l4, length, pseudo) !== 0) return false;
    if (proto === 17 && view.getUint16(l4 + 6) !== 0 && internetChecksum(view, l4, length, pseudo) !== 0) return false;
    if (proto === 1 && internetChecksum(view, l4, length, 0) !== 0) return false;
    if (proto === 17 && view.getUint16(l4 + 2) === 4789) {
      at = l4 + 8 + 8 + 14; // UDP, VXLAN, inner Ethernet
      continue;
    }
    return true;
  }
}

export function run(yaml: string, commands: string[]): SimResult {
  return simulate(parseSimTopology(yaml, 'test.yaml'), commands.map(parseRun));
}

/** The frames recorded on one capture point (by NODE:NAME), decoded to short text lines. */
export function on(result: SimResult, point: string): { bytes: Uint8Array; text: string }[] {
  const index = result.captures.findIndex((c) => `${c.node}:${c.name}` === point);
  if (index < 0) throw new Error(`no capture point ${point}`);
  return result.frames.filter((f) => f.capture === index).map((f) => ({ bytes: f.bytes, text: describe(f.bytes) }));
}

function describe(bytes: Uint8Array): string {
  const { layers } = decodeBytes(bytes);
  return layers.map((l) => {
    switch (l.proto) {
      case 'arp': return `arp ${l.op === 1 ? 'request' : 'reply'}`;
      case 'ipv4': return 'ipv4';
      case 'icmp': return `icmp ${l.type}`;
      case 'udp': return `udp ${l.sport}>${l.dport}`;
      case 'tcp': return `tcp ${l.sport}>${l.dport}`;
      case 'vxlan': return `vxlan ${l.vni}`;
      default: return l.proto;
    }
  }).join(' ');
}
