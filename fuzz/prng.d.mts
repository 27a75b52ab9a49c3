export declare class Prng {
  constructor(seed: number, stream?: number);
  state: number;
  u32(): number;
  below(n: number): number;
  between(low: number, high: number): number;
  chance(p: number): boolean;
  pick<T>(list: readonly T[]): T;
}
