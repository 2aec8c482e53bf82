export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

export const verdict = (met: boolean) => (met ? 'PASS' : 'MISS');

/** The nearest-rank percentile (0 < p ≤ 100) of `values`; NaN when there are none. Sorts a copy. */
export function percentile(values: ArrayLike<number>, p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

/**
 * How `b` differs from `a`, round by round (each pair measured side by side, in turns): the median of the pairs'
 * relative changes and their range. On a shared machine whose rounds swing by ±10 %, the median of many pairs shows
 * a change of a few percent that the two medians alone would not. NaN when no pair is complete.
 */
export function pairedChange(
  a: readonly number[],
  b: readonly number[],
): { median: number; min: number; max: number; pairs: number } {
  const changes: number[] = [];
  for (let i = 0; i < Math.min(a.length, b.length); i += 1) {
    const before = a[i] as number;
    const after = b[i] as number;
    if (Number.isFinite(before) && Number.isFinite(after) && before > 0) changes.push(after / before - 1);
  }
  return {
    median: median(changes),
    min: changes.length === 0 ? Number.NaN : Math.min(...changes),
    max: changes.length === 0 ? Number.NaN : Math.max(...changes),
    pairs: changes.length,
  };
}
