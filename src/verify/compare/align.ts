// Myers' O((N+M)D) alignment of two sequences of strings (the change logs' contents): the
// longest common subsequence as a script of kept, deleted and inserted items. Equal ends
// are trimmed first (two runs of one capture: D = 0); past MAX_D edits, the middle is
// reported as all deleted then all inserted rather than spending quadratic memory.

export type Op = { readonly op: '='; readonly i: number; readonly j: number } | { readonly op: '-'; readonly i: number } | { readonly op: '+'; readonly j: number };

const MAX_D = 2000;

export function align(a: readonly string[], b: readonly string[], maxD = MAX_D): Op[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const ops: Op[] = [];
  for (let k = 0; k < start; k++) ops.push({ op: '=', i: k, j: k });
  ops.push(...middle(a.slice(start, endA), b.slice(start, endB), start, maxD));
  for (let i = endA, j = endB; i < a.length; i++, j++) ops.push({ op: '=', i, j });
  return ops;
}

function middle(a: readonly string[], b: readonly string[], at: number, maxD: number): Op[] {
  const n = a.length;
  const m = b.length;
  const max = Math.min(n + m, maxD);
  const off = max + 1;
  const v = new Int32Array(2 * max + 3);
  // trace[d]: v at the start of round d, for diagonals -d-1..d+1
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    trace.push(v.slice(off - d - 1, off + d + 2));
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[off + k - 1] < v[off + k + 1]) ? v[off + k + 1] : v[off + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[off + k] = x;
      if (x >= n && y >= m) return backtrack(trace, n, m, at);
    }
  }
  return [...a.map((_, i): Op => ({ op: '-', i: at + i })), ...b.map((_, j): Op => ({ op: '+', j: at + j }))];
}

function backtrack(trace: Int32Array[], n: number, m: number, at: number): Op[] {
  const ops: Op[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const v = (k: number): number => trace[d][k + d + 1];
    const k = x - y;
    const prevK = k === -d || (k !== d && v(k - 1) < v(k + 1)) ? k + 1 : k - 1;
    const prevX = v(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      x--;
      y--;
      ops.push({ op: '=', i: at + x, j: at + y });
    }
    if (d > 0) ops.push(x === prevX ? { op: '+', j: at + prevY } : { op: '-', i: at + prevX });
    x = prevX;
    y = prevY;
  }
  return ops.reverse();
}
