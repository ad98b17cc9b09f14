/** {@link MemoryLogger}: keeps everything in arrays; for tests and for in-process analysis. */
import type { MetricsLogger, MetricValues, ParamValues, RunStatus } from './types';
import { NumericMetrics } from './metric_values';

/** One recorded `logMetrics` call. */
export interface MemoryRecord {
  /** Step given by the caller. */
  step: number;
  /** A copy of the metrics. */
  metrics: Record<string, number>;
}

/** In-memory sink. */
export class MemoryLogger implements MetricsLogger {
  readonly name = 'memory';
  /** Every `logMetrics` call, in order. */
  readonly records: MemoryRecord[] = [];
  /** Merged params. */
  readonly params: Record<string, ParamValues[string]> = {};
  /** How the run ended, once closed. */
  status: RunStatus | undefined;
  closed = false;
  private readonly numeric = new NumericMetrics('memory');

  logMetrics(metrics: MetricValues, step: number): void {
    const values = this.numeric.of(metrics, step);
    this.records.push({ step, metrics: { ...values } });
  }

  logParams(params: ParamValues): void {
    Object.assign(this.params, params);
  }

  async flush(): Promise<void> {}

  async close(status: RunStatus = 'finished'): Promise<void> {
    this.closed = true;
    this.status ??= status;
  }

  /** `[step, value]` pairs of one metric, in logging order. */
  series(key: string): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    for (const r of this.records) if (key in r.metrics) out.push([r.step, r.metrics[key] as number]);
    return out;
  }

  /** The last logged value of `key`, or `undefined`. */
  last(key: string): number | undefined {
    for (let i = this.records.length - 1; i >= 0; i--) {
      const m = this.records[i]!.metrics;
      if (key in m) return m[key];
    }
    return undefined;
  }
}
