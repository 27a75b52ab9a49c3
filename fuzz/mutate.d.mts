import type { Prng } from './prng.mjs';
import type { Structure } from './structure.mjs';
export interface Mutation { bytes: Uint8Array; detail: string }
export type Mutator = (bytes: Uint8Array, s: Structure, rng: Prng, other?: Uint8Array) => Mutation | null;
export declare const MAX_CASE_BYTES: number;
export declare const LINK_TYPES: number[];
export declare const MUTATORS: Record<string, Mutator>;
export declare const MUTATION_KINDS: string[];
export declare function mutate(seed: Uint8Array, rng: Prng, pickOther: () => Uint8Array, maxMutations?: number): { bytes: Uint8Array; applied: { kind: string; detail: string }[] };
