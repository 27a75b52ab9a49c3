export declare class FuzzFinding extends Error {
  kind: string;
  constructor(kind: string, message: string);
}
export interface TargetStats { frames: number; readIssues: number; decodeIssues: number; badHeader: boolean; steps: number }
export declare function runTargets(path: string, variant?: number): TargetStats;
/** Throws a FuzzFinding of kind 'unescaped' when `text` holds C0 (but newline), DEL or C1. */
export declare function checkText(where: string, text: unknown): void;
