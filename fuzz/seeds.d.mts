import type { Seed } from './cases.mjs';
export declare const REPO: string;
export declare const CORPUS: string;
export declare const MAX_SEED_BYTES: number;
export declare function cutSeed(bytes: Uint8Array, max?: number): Uint8Array;
export declare function loadSeeds(options?: { corpus?: string; includeCorpus?: boolean; dir?: string | null }): { seeds: Seed[]; notes: string[] };
