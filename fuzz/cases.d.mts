export interface Seed { name: string; bytes: Uint8Array }
export declare function makeCase(seeds: readonly Seed[], seed: number, caseNo: number): { seedName: string; bytes: Uint8Array; applied: { kind: string; detail: string }[] };
export declare function extensionOf(bytes: Uint8Array): 'pcap' | 'pcapng';
