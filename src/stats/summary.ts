/**
 * Summary statistics for timing samples: a growable `Float64Array` buffer (no allocation per
 * sample once grown) and {@link summarize}: count, mean, median, p95, p99, population standard
 * deviation (numpy's default `ddof=0`), min and max. Percentiles interpolate linearly between
 * closest ranks, as numpy's default `percentile(..., method="linear")` does.
 *
 * Non-finite samples (NaN, ±Infinity) never break a summary: they are left out and counted in
 * `nonFinite`. An empty summary has `count` 0 and `NaN` everywhere else.
 */

/** Result of {@link summarize}. */
export interface Summary {
  /** Finite samples used. */
  count: number;
  mean: number;
  median: number;
  p50: number;
  p95: number;
  p99: number;
  /** Population standard deviation. */
  std: number;
  min: number;
  max: number;
  /** Samples left out because they were NaN or infinite. */
  nonFinite: number;
}

/** Growable buffer of numbers. */
export class SampleBuffer {
  private buf: Float64Array;
  /** Samples stored. */
  length = 0;

  constructor(capacity = 64) {
    this.buf = new Float64Array(Math.max(1, capacity));
  }

  /** Appends one sample. */
  push(v: number): void {
    if (this.length === this.buf.length) {
      const next = new Float64Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.length++] = v;
  }

  /** Forgets all samples (keeps the memory). */
  clear(): void {
    this.length = 0;
  }

  /** A view of the samples (valid until the next push/clear). */
  view(): Float64Array {
    return this.buf.subarray(0, this.length);
  }

  /** Sum of the finite samples. */
  sum(): number {
    let s = 0;
    for (let i = 0; i < this.length; i++) {
      const v = this.buf[i]!;
      if (Number.isFinite(v)) s += v;
    }
    return s;
  }
}

/** Linear-interpolated percentile `q` (0..100) of sorted finite values. */
export function percentileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const pos = ((n - 1) * q) / 100;
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  return a + (b - a) * (pos - lo);
}

/** Summary of `values` (finite values only). */
export function summarize(values: ArrayLike<number>): Summary {
  const finite = new Float64Array(values.length);
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isFinite(v)) finite[n++] = v;
  }
  const nonFinite = values.length - n;
  if (n === 0) {
    const nan = Number.NaN;
    return { count: 0, mean: nan, median: nan, p50: nan, p95: nan, p99: nan, std: nan, min: nan, max: nan, nonFinite };
  }
  const s = finite.subarray(0, n).sort();
  let sum = 0;
  for (let i = 0; i < n; i++) sum += s[i]!;
  const mean = sum / n;
  let sq = 0;
  for (let i = 0; i < n; i++) {
    const d = s[i]! - mean;
    sq += d * d;
  }
  const median = percentileSorted(s, 50);
  return {
    count: n,
    mean,
    median,
    p50: median,
    p95: percentileSorted(s, 95),
    p99: percentileSorted(s, 99),
    std: Math.sqrt(sq / n),
    min: s[0]!,
    max: s[n - 1]!,
    nonFinite,
  };
}
