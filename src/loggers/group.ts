/**
 * {@link LoggerGroup}: fans metrics out to several sinks. A sink that throws, or whose method
 * returns a promise that rejects, is reported once and dropped; the others and the training loop
 * go on.
 */
import { OcrPerfkitTypeError } from '../errors';
import { isThenable } from '../util/thenable';
import {
  defaultFailureReporter,
  type FailureReporter,
  type MetricsLogger,
  type MetricValues,
  type ParamValues,
  type RunStatus,
} from './types';

/** Fan-out over sinks with failure isolation. Itself a {@link MetricsLogger}. */
export class LoggerGroup implements MetricsLogger {
  readonly name = 'group';
  private sinks: MetricsLogger[];
  private readonly report: FailureReporter;

  /**
   * @param sinks the sinks, called in order.
   * @param report receives each failing sink's first error (default: `process.emitWarning`).
   */
  constructor(sinks: readonly MetricsLogger[] = [], report: FailureReporter = defaultFailureReporter) {
    if (!Array.isArray(sinks)) throw new OcrPerfkitTypeError('LoggerGroup: sinks must be an array of loggers', 'ERR_INVALID_ARGUMENT');
    this.sinks = sinks.filter((s) => s != null);
    this.report = report;
  }

  /** Sinks still alive. */
  get active(): readonly MetricsLogger[] {
    return this.sinks;
  }

  /** Adds a sink. */
  add(sink: MetricsLogger): void {
    this.sinks = [...this.sinks, sink];
  }

  private drop(sink: MetricsLogger, err: unknown): void {
    if (!this.sinks.includes(sink)) return;
    this.sinks = this.sinks.filter((s) => s !== sink);
    try {
      this.report(`logger ${sink.name}`, err);
    } catch {
      // never let reporting break training
    }
    // Best effort: release the dropped sink's resources; its errors are already reported.
    try {
      const r: unknown = sink.close('failed');
      if (isThenable(r)) r.then(undefined, () => undefined);
    } catch {
      // ignore
    }
  }

  logMetrics(metrics: MetricValues, step: number): void {
    const sinks = this.sinks;
    for (let i = 0; i < sinks.length; i++) {
      const s = sinks[i]!;
      try {
        // Typed as void, but a JavaScript sink may be async: its rejection must not go unhandled.
        const r: unknown = s.logMetrics(metrics, step);
        if (isThenable(r)) r.then(undefined, (err: unknown) => this.drop(s, err));
      } catch (err) {
        this.drop(s, err);
      }
    }
  }

  logParams(params: ParamValues): void {
    for (const s of this.sinks) {
      if (!s.logParams) continue;
      try {
        const r: unknown = s.logParams(params);
        if (isThenable(r)) r.then(undefined, (err: unknown) => this.drop(s, err));
      } catch (err) {
        this.drop(s, err);
      }
    }
  }

  async flush(): Promise<void> {
    await Promise.all(
      this.sinks.map(async (s) => {
        try {
          await s.flush?.();
        } catch (err) {
          this.drop(s, err);
        }
      }),
    );
  }

  async close(status: RunStatus = 'finished'): Promise<void> {
    const sinks = this.sinks;
    await Promise.all(
      sinks.map(async (s) => {
        try {
          await s.close(status);
        } catch (err) {
          this.drop(s, err);
        }
      }),
    );
  }
}
