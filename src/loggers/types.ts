/**
 * The one interface every metrics sink implements (console, JSONL, TensorBoard, MLflow,
 * in-memory). Callbacks never talk to a sink directly; they call {@link MetricsLogger.logMetrics}
 * on the logger they are handed (usually a {@link LoggerGroup}-style fan-out that isolates
 * failing sinks).
 *
 * Values are plain numbers. `NaN`, `Infinity` and `-Infinity` are legal and are written as such
 * by every sink (JSON sinks use the strings `"NaN"`, `"Infinity"`, `"-Infinity"`, as proto3 JSON
 * does); a sink never throws because of a non-finite value. A value that is not a number at all
 * (a tensor, a string) is left out by every built-in sink, with one warning per key
 * (`OCR_PERFKIT_METRIC_DROPPED`); a step that is not a finite number is a typed error
 * (see `metric_values.ts`).
 */

import { describeValue } from '../config/validate';

/** One flat set of metric values, keyed by metric name (e.g. `performance/val_batch_mean`). */
export type MetricValues = Readonly<Record<string, number>>;

/** Run parameters (hyper-parameters, config values). Nested values are flattened by the sink. */
export type ParamValues = Readonly<Record<string, string | number | boolean | null | undefined>>;

/** A metrics sink. */
export interface MetricsLogger {
  /** Short name used in warnings (`console`, `jsonl`, `tensorboard`, `mlflow`, `memory`). */
  readonly name: string;
  /**
   * Records `metrics` at `step` (global step or epoch, as the caller chooses). Must be cheap and
   * must not block: sinks that do I/O buffer here and write in the background or on `flush()`.
   * May throw; the caller's group then drops the sink after reporting the error once.
   */
  logMetrics(metrics: MetricValues, step: number): void;
  /** Records run parameters once (optional). */
  logParams?(params: ParamValues): void;
  /** Writes everything buffered so far. Rejections are reported and the sink dropped. */
  flush?(): Promise<void>;
  /**
   * Flushes and releases the sink. `status` says how the run ended (MLflow marks the run
   * `FINISHED`, `FAILED` or `KILLED`). Idempotent.
   */
  close(status?: RunStatus): Promise<void>;
}

/** How a run ended. */
export type RunStatus = 'finished' | 'failed' | 'killed';

/** Receives a sink's or a callback's first failure (before it is dropped / disabled). */
export type FailureReporter = (source: string, error: unknown) => void;

/** Default reporter: one `process.emitWarning` with code `OCR_PERFKIT_SINK_FAILED`. */
export const defaultFailureReporter: FailureReporter = (source, error) => {
  // describeValue never throws (String() does, on an object without a prototype).
  const msg = error instanceof Error ? error.message : describeValue(error);
  process.emitWarning(`ocr-perfkit: ${source} failed and was disabled: ${msg}`, {
    code: 'OCR_PERFKIT_SINK_FAILED',
  });
};
