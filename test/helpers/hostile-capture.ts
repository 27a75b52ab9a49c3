// A pcapng whose every string (section and interface options, packet and statistics
// comments, name records, DNS labels, a UDP payload holding an OSC "set title") carries
// ESC [2J, CR, BEL, a C1 CSI (U+009B), invalid UTF-8, a bidi override (U+202E), NUL and
// U+2028: the escaping tests feed it to every command and to the terminal UI.
import { concatBytes } from '../../src/capture/pcap-writer.js';
import { encodeEpb, encodeIdb, encodeIsb, encodeNrb, encodeShb } from '../../src/capture/pcapng-writer.js';
import { arp, bytes, eth, ip4, ipv4, udp } from './build.js';

/** Every kind of hostile character, as a JS string (written as UTF-8 where a string is written). */
export const EVIL = '\x1b[2J\r\x07\x9b\u202e\x00\u2028z';
/** EVIL's escaped form (src/decode/escape.ts). */
export const EVIL_SHOWN = '\\x1b[2J\\x0d\\x07\\x9b\\u202e\\x00\\u2028z';
/** EVIL without the NUL, which no argument can hold (file names, filters, options). */
export const ARG_EVIL = EVIL.replace('\x00', '');
export const ARG_EVIL_SHOWN = EVIL_SHOWN.replace('\\x00', '');
export const utf8 = (text: string) => new TextEncoder().encode(text);
/** `text` as UTF-8 followed by two bytes that are not UTF-8 (a lone continuation byte, 0xff). */
export const withBadUtf8 = (text: string) => concatBytes([utf8(text), Uint8Array.of(0x9b, 0xff)]);

export const c1 = '02:42:ac:11:00:02';
export const c2 = '02:42:ac:11:00:03';

/** A DNS query for `labels` (raw bytes each). */
function dnsQuery(labels: Uint8Array[]): Uint8Array {
  const name = labels.flatMap((l) => [l.length, ...l]);
  return bytes([0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0], [...name, 0], [0, 1, 0, 1]);
}

const option = (code: number, value: Uint8Array | string) => ({ code, value });
const at = (second: number) => ({ high: 0, low: second * 1_000_000 });
const toC2 = (payload: Uint8Array) => eth(c2, c1, 0x0800, ipv4({ src: '172.17.0.2', dst: '172.17.0.3', protocol: 17 }, payload));

// Interface 0 is the bridge, 1 a port of it: names with every hostile character and bad UTF-8.
export const hostile = concatBytes([
  encodeShb({ comment: EVIL, options: [option(2, withBadUtf8(`hw${EVIL}`)), option(3, `os${EVIL}`), option(4, `app${EVIL}`)] }),
  encodeIdb({ options: [option(2, withBadUtf8(`br${EVIL}`)), option(3, `desc${EVIL}`)], tsresol: 6, comment: EVIL }),
  encodeIdb({ name: `veth${EVIL}`, description: EVIL, tsresol: 6 }),
  encodeNrb({ records: [[Uint8Array.from(ip4('172.17.0.2')), [`host${EVIL}`]]], options: [option(1, EVIL)] }),
  encodeEpb({ interfaceId: 1, timestamp: at(1), flags: 1, comments: [EVIL], bytes: eth('ff:ff:ff:ff:ff:ff', c1, 0x0806, arp(1, c1, '172.17.0.2', '00:00:00:00:00:00', '172.17.0.3')) }),
  encodeEpb({ interfaceId: 0, timestamp: at(1), comments: [EVIL], bytes: eth('ff:ff:ff:ff:ff:ff', c1, 0x0806, arp(1, c1, '172.17.0.2', '00:00:00:00:00:00', '172.17.0.3')) }),
  encodeEpb({ interfaceId: 0, timestamp: at(2), bytes: eth(c1, c2, 0x0806, arp(2, c2, '172.17.0.3', c1, '172.17.0.2')) }),
  encodeEpb({ interfaceId: 1, timestamp: at(3), bytes: toC2(udp(40000, 53, dnsQuery([withBadUtf8(`evil${EVIL}`), utf8('example')]))) }),
  encodeEpb({ interfaceId: 1, timestamp: at(4), bytes: toC2(udp(40000, 9999, utf8(`\x1b]0;pwned\x07${EVIL}`))) }),
  encodeIsb({ interfaceId: 1, timestamp: at(5), received: 4n, options: [option(1, EVIL)] }),
  // A record cut short (a killed tcpdump): the warning on standard error names the file.
  encodeEpb({ interfaceId: 1, timestamp: at(6), bytes: toC2(udp(1, 2, utf8('cut'))) }).subarray(0, 20),
]);

