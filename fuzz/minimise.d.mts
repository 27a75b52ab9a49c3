export interface CheckResult { kind: string | null; message: string; stack: string }
export declare function signature(result: CheckResult): string | null;
export declare function minimise(bytes: Uint8Array, check: (bytes: Uint8Array) => Promise<CheckResult> | CheckResult, options?: { budget?: number }): Promise<{ bytes: Uint8Array; wanted: string | null; checks: number }>;
