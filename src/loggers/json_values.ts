/**
 * JSON encoding helpers shared by the JSON-speaking sinks. `NaN`, `Infinity` and `-Infinity`
 * have no JSON literal; they are written as the strings proto3 JSON uses (`"NaN"`,
 * `"Infinity"`, `"-Infinity"`), which MLflow's server and most readers accept.
 */

/** A number as a JSON value: itself when finite, else its proto3 string form. */
export function jsonNumber(v: number): number | string {
  if (Number.isFinite(v)) return v;
  if (Number.isNaN(v)) return 'NaN';
  return v > 0 ? 'Infinity' : '-Infinity';
}

/** Copy of `metrics` with non-finite values replaced by their string forms. */
export function jsonMetrics(metrics: Readonly<Record<string, number>>): Record<string, number | string> {
  const out: Record<string, number | string> = {};
  for (const k in metrics) out[k] = jsonNumber(metrics[k] as number);
  return out;
}

/** Inverse of {@link jsonNumber} for readers (tests, analysis tools). */
export function parseJsonNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return Number.NaN;
  if (v === 'Infinity') return Number.POSITIVE_INFINITY;
  if (v === '-Infinity') return Number.NEGATIVE_INFINITY;
  return Number.NaN;
}
