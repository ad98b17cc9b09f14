/**
 * {@link EventLoopMonitor}: health of the JS thread's event loop, from Node's own instruments
 * (`perf_hooks.monitorEventLoopDelay`, a libuv timer whose lateness is recorded in a native
 * histogram, and `performance.eventLoopUtilization`). In a tfjs training loop a synchronous step
 * holds the loop for its whole duration: timers, I/O callbacks, metric scrapes (Prometheus) and
 * the continuations of async transforms wait that long. The delay figures say how long.
 */
import { type IntervalHistogram, monitorEventLoopDelay, performance, type EventLoopUtilization } from 'node:perf_hooks';
import { z } from 'zod';
import { parseConfig } from '../config/validate';

/** Options of {@link EventLoopMonitor}. */
export const eventLoopMonitorConfigSchema = z
  .object({
    /** Sampling timer period in ms (Node's `monitorEventLoopDelay` resolution). */
    resolutionMs: z.number().int().min(1).max(10_000).default(20),
  })
  .strict();

/** Options of {@link EventLoopMonitor}. */
export type EventLoopMonitorOptions = z.input<typeof eventLoopMonitorConfigSchema>;

/** Event-loop figures over a window (ms; `NaN` when nothing was recorded). */
export interface EventLoopStats {
  /** Mean lateness of the sampling timer. */
  delayMeanMs: number;
  /** Median lateness. */
  delayP50Ms: number;
  /** 99th percentile of the lateness. */
  delayP99Ms: number;
  /** Longest single block of the loop seen by the timer. */
  delayMaxMs: number;
  /** Share of the window the loop spent running JS and callbacks rather than idle (0–1). */
  utilization: number;
  /** Timer samples behind the delay figures. */
  samples: number;
}

const NS_PER_MS = 1e6;

/** Event-loop delay and utilization between `start()` and each `read()`. */
export class EventLoopMonitor {
  /** Parsed options. */
  readonly config: z.output<typeof eventLoopMonitorConfigSchema>;
  private histogram: IntervalHistogram | undefined;
  private elu: EventLoopUtilization | undefined;

  constructor(options: EventLoopMonitorOptions = {}) {
    this.config = parseConfig(eventLoopMonitorConfigSchema, options, 'eventLoopMonitor');
  }

  /** Starts measuring (again: the window restarts). Idempotent. */
  start(): void {
    if (!this.histogram) {
      this.histogram = monitorEventLoopDelay({ resolution: this.config.resolutionMs });
      this.histogram.enable();
    }
    this.histogram.reset();
    this.elu = performance.eventLoopUtilization();
  }

  /** Whether it is measuring. */
  get running(): boolean {
    return this.histogram !== undefined;
  }

  /**
   * Figures since `start()` or the previous `read({ reset: true })`; with `reset` (default) the
   * next window starts now. All `NaN` (and 0 samples) when not started.
   */
  read(options: { reset?: boolean } = {}): EventLoopStats {
    const h = this.histogram;
    if (!h || !this.elu) {
      return { delayMeanMs: Number.NaN, delayP50Ms: Number.NaN, delayP99Ms: Number.NaN, delayMaxMs: Number.NaN, utilization: Number.NaN, samples: 0 };
    }
    const samples = h.count;
    // The histogram holds the intervals between the timer's runs (its period plus its lateness):
    // the lateness is the part beyond the period.
    const period = this.config.resolutionMs;
    const ms = (ns: number) => (samples > 0 && Number.isFinite(ns) ? Math.max(0, ns / NS_PER_MS - period) : Number.NaN);
    const now = performance.eventLoopUtilization();
    const window = performance.eventLoopUtilization(now, this.elu);
    const stats: EventLoopStats = {
      delayMeanMs: ms(h.mean),
      delayP50Ms: ms(h.percentile(50)),
      delayP99Ms: ms(h.percentile(99)),
      delayMaxMs: ms(h.max),
      utilization: window.idle + window.active > 0 ? window.utilization : Number.NaN,
      samples,
    };
    if (options.reset ?? true) {
      h.reset();
      this.elu = now;
    }
    return stats;
  }

  /** Stops measuring and releases the timer. Idempotent. */
  stop(): void {
    this.histogram?.disable();
    this.histogram = undefined;
    this.elu = undefined;
  }
}
