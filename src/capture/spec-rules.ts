// The rules a damaged capture breaks, each citing its specification, and the names of the
// record kinds they apply to: read issues carry both (ReadIssue.rule, ReadIssue.blockType) so
// a report says which rule, in which block, without parsing the message.
//
// pcap: draft-ietf-opsawg-pcap (§4 File Header, §5 Packet Record).
// pcapng: draft-ietf-opsawg-pcapng (§3.1 General Block Structure, §3.5 Options, §4.x blocks).

export const PCAP_FILE_HEADER = 'file header';
export const PCAP_RECORD = 'record';

export const Rule = {
  magic: 'a capture file starts with a pcap magic number (pcap §4) or a pcapng Section Header Block (pcapng §4.1)',
  pcapHeaderLength: 'the pcap file header is 24 bytes long (pcap §4)',
  pcapVersion: 'a pcap file header has major version 2 (pcap §4)',
  pcapReservedLinkBits: 'bits 16-25 of the pcap link type field are reserved and must be 0 (pcap §4)',
  pcapRecordWhole: 'a record holds its header and caplen bytes of packet data (pcap §5)',
  pcapCapLenMax: 'caplen must not exceed the maximum frame size the reader accepts (pcap §5: snaplen bounds caplen)',
  pcapCapLenOrigLen: 'caplen must not exceed the original length (pcap §5)',
  pcapCapLenSnapLen: 'caplen must not exceed the file header\'s snaplen (pcap §5)',
  blockWhole: 'a block holds its whole total length of bytes (pcapng §3.1)',
  blockLengthMinimum: 'block total length is at least 12 bytes (pcapng §3.1)',
  blockLengthMultiple: 'block total length must be a multiple of 4 (pcapng §3.1)',
  blockLengthTrailer: 'a block ends with a copy of its total length (pcapng §3.1)',
  blockLengthMax: 'a block must not exceed the maximum frame size plus its headers and options, which the reader accepts (pcapng §3.1)',
  shbByteOrder: 'a Section Header Block holds the byte-order magic 0x1A2B3C4D (pcapng §4.1)',
  shbLength: 'a Section Header Block is at least 28 bytes long and a multiple of 4 (pcapng §4.1)',
  shbVersion: 'a section has major version 1 (minor 0 or 2); another major version means a layout this reader does not know (pcapng §4.1)',
  fieldsFit: 'a block\'s fixed fields and captured data fit inside its total length (pcapng §4)',
  interfaceDescribed: 'a packet or statistics block names an interface described earlier in its section by an Interface Description Block (pcapng §4.2)',
  epbCapLenOrigLen: 'Captured Packet Length must not exceed Original Packet Length (pcapng §4.3)',
  epbCapLenMax: 'Captured Packet Length must not exceed the maximum frame size the reader accepts (pcapng §4.3)',
  epbCapLenSnapLen: 'Captured Packet Length must not exceed the interface\'s SnapLen (pcapng §4.2, §4.3)',
  optionFits: 'an option\'s padded value fits inside its block (pcapng §3.5)',
  knownBlockType: 'a reader skips a block type it does not know by its total length (pcapng §3.1, §3.2)',
  issueLimit: 'only the first problems of a file are listed, the rest are counted',
} as const;

/** pcapng block type names (pcapng §3.2 and the IANA-style registry of the draft). */
const PCAPNG_BLOCK_NAMES: ReadonlyMap<number, string> = new Map([
  [0x0a0d0d0a, 'Section Header Block'],
  [0x00000001, 'Interface Description Block'],
  [0x00000002, 'Packet Block'],
  [0x00000003, 'Simple Packet Block'],
  [0x00000004, 'Name Resolution Block'],
  [0x00000005, 'Interface Statistics Block'],
  [0x00000006, 'Enhanced Packet Block'],
  [0x00000009, 'systemd Journal Export Block'],
  [0x0000000a, 'Decryption Secrets Block'],
  [0x00000bad, 'Custom Block'],
  [0x40000bad, 'Custom Block (not to be copied)'],
  [0x80000001, 'Process Information Block'],
]);

/** "Enhanced Packet Block (0x00000006)", or "block of unknown type (0x12345678)". */
export function pcapngBlockName(type: number): string {
  const code = `0x${(type >>> 0).toString(16).padStart(8, '0')}`;
  return `${PCAPNG_BLOCK_NAMES.get(type >>> 0) ?? 'block of unknown type'} (${code})`;
}
