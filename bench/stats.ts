/** Percentiles and rounding for the report. */

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
}

/** Nearest-rank percentiles of unsorted values (NaN when there are none). */
export function percentiles(values: readonly number[]): Percentiles {
  const sorted = Float64Array.from(values).sort();
  const at = (p: number) => {
    if (sorted.length === 0) return Number.NaN;
    const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
    return round2(sorted[rank - 1] ?? Number.NaN);
  };
  return { p50: at(50), p95: at(95), p99: at(99) };
}

export function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
