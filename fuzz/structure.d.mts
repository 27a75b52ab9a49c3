export declare const PCAPNG_SHB: number;
export interface Block { offset: number; length: number; type: number | 'record'; le: boolean }
export interface LengthField { offset: number; size: 2 | 4 | 8; le: boolean; what: string }
export interface Structure {
  format: 'pcap' | 'pcapng' | 'unknown';
  blocks: Block[];
  tail: number;
  lengthFields: LengthField[];
  idbs: (Block & { linkTypeOffset: number })[];
  epbs: (Block & { interfaceIdOffset: number; idSize: number; interfaces: number })[];
  frames: { offset: number; length: number; linkType: number }[];
  shbs: Block[];
  headerEnd: number;
  pcapHeader: { le: boolean; linkTypeOffset: number; snapLenOffset: number } | null;
}
export declare function parseStructure(bytes: Uint8Array): Structure;
export declare function boundaries(s: Structure, fileLength: number): number[];
