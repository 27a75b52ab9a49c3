// Failures that are the user's to fix (a missing or unreadable file, a malformed
// topology, a frame the output format cannot hold): said in one sentence, without a stack
// trace. Anything else is a bug.

export function isUsageFailure(e: unknown): e is Error {
  if (!(e instanceof Error)) return false;
  if (e.name === 'TopologyError' || e.name === 'ExportError' || isCaptureOpenFailure(e)) return true;
  const code = (e as NodeJS.ErrnoException).code ?? ((e.cause ?? {}) as NodeJS.ErrnoException).code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code);
}

/** A capture file that cannot be opened or read again (missing, a directory, a pipe for the UI): unusable input. */
export function isCaptureOpenFailure(e: unknown): boolean {
  return e instanceof Error && e.name === 'CaptureOpenError';
}
