/**
 * What every sink does with what it is given to log. {@link MetricValues} is typed as numbers, but
 * JavaScript callers pass anything: a `tf.Scalar`, a string, a boolean. Written as they are, such
 * values corrupt a sink's output (a JSON `"-Infinity"` for a string, a Prometheus line that makes
 * the whole scrape fail to parse, a TensorBoard writer that throws). So each sink keeps only the
 * number values (bigints converted), leaves the others out of what it writes, and warns once per
 * key; the rest of the record, and the sink, go on. A step that is not a finite number is a typed
 * error (the sink's group then reports it and drops the sink, as for any failing sink).
 */
import { describeValue } from '../config/validate';
import { OcrPerfkitTypeError } from '../errors';
import type { MetricValues } from './types';

/** Receives the one-time notice about a metric key whose values a sink leaves out. */
export type DroppedMetricWarning = (message: string) => void;

const defaultWarning: DroppedMetricWarning = (message) => process.emitWarning(message, { code: 'OCR_PERFKIT_METRIC_DROPPED' });

/** A sink's filter of metric values (one per sink instance: it remembers the keys it warned about). */
export class NumericMetrics {
  private warned: Set<string> | undefined;

  /**
   * @param sink the sink's name, for messages.
   * @param warn receives the one-time notice per key (default: `process.emitWarning` with code
   *   `OCR_PERFKIT_METRIC_DROPPED`).
   */
  constructor(
    private readonly sink: string,
    private readonly warn: DroppedMetricWarning = defaultWarning,
  ) {}

  /**
   * The number-valued entries of `metrics`: `metrics` itself when every value is a number (no
   * copy), else a copy without the other values (bigints converted to numbers). `step` must be
   * a finite number within the safe-integer range, else a typed error.
   */
  of(metrics: MetricValues, step: number): MetricValues {
    if (!(typeof step === 'number' && Number.isFinite(step) && Math.abs(step) <= Number.MAX_SAFE_INTEGER)) {
      throw new OcrPerfkitTypeError(`${this.sink} logger: step must be a finite number, got ${describeValue(step)}`);
    }
    if (metrics === null || typeof metrics !== 'object') {
      throw new OcrPerfkitTypeError(`${this.sink} logger: metrics must be an object of numbers, got ${describeValue(metrics)}`);
    }
    for (const k in metrics) if (typeof metrics[k] !== 'number') return this.filtered(metrics);
    return metrics;
  }

  private filtered(metrics: MetricValues): MetricValues {
    const out: Record<string, number> = {};
    for (const k in metrics) {
      const v: unknown = metrics[k];
      if (typeof v === 'number') out[k] = v;
      else if (typeof v === 'bigint') out[k] = Number(v);
      else this.dropped(k, v);
    }
    return out;
  }

  private dropped(key: string, value: unknown): void {
    this.warned ??= new Set();
    if (this.warned.has(key)) return;
    this.warned.add(key);
    const tensor = value !== null && typeof value === 'object' && 'dataSync' in value;
    try {
      this.warn(
        `ocr-perfkit: ${this.sink} logger leaves out metric "${key}": got ${tensor ? 'a tensor' : describeValue(value)}, expected a number` +
          (tensor ? ' (read it first, e.g. (await t.data())[0])' : '') +
          '; warned once per key',
      );
    } catch {
      // a throwing warning hook must not break logging
    }
  }
}
