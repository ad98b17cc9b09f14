/** {@link ConsoleLogger}: one line per `logMetrics` call, `[metrics] step 12: loss=0.3127 ...`. */
import { z } from 'zod';
import { configObject, parseConfig } from '../config/validate';
import type { MetricsLogger, MetricValues, ParamValues } from './types';
import { NumericMetrics } from './metric_values';

/** Options of {@link ConsoleLogger} that can live in a config file. */
export const consoleLoggerConfigSchema = z
  .object({
    /** Print only every n-th `logMetrics` call (1 = all). */
    every: z.number().int().min(1).default(1),
    /** Significant digits of printed values. */
    digits: z.number().int().min(1).max(17).default(4),
    /** Text at the start of every line. */
    prefix: z.string().default('[metrics]'),
  })
  .strict();

/** Options of {@link ConsoleLogger}. */
export interface ConsoleLoggerOptions extends Partial<z.input<typeof consoleLoggerConfigSchema>> {
  /** Where lines go (default `console.log`). */
  print?: (line: string) => void;
}

/** Formats a metric value: `NaN`, `Infinity`, `-Infinity` as such, else `digits` significant digits. */
export function formatValue(v: number, digits = 4): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e6 || a < 1e-4)) return v.toExponential(digits - 1);
  return String(Number(v.toPrecision(digits)));
}

/** Console sink. */
export class ConsoleLogger implements MetricsLogger {
  readonly name = 'console';
  private readonly print: (line: string) => void;
  private readonly cfg: z.output<typeof consoleLoggerConfigSchema>;
  private calls = 0;
  private readonly numeric = new NumericMetrics('console');

  constructor(options: ConsoleLoggerOptions = {}) {
    const { print, ...rest } = configObject(options, 'loggers.console');
    this.cfg = parseConfig(consoleLoggerConfigSchema, rest, 'loggers.console');
    this.print = print ?? ((line) => console.log(line));
  }

  logMetrics(metrics: MetricValues, step: number): void {
    const values = this.numeric.of(metrics, step);
    if (this.calls++ % this.cfg.every !== 0) return;
    const parts: string[] = [];
    for (const k in values) parts.push(`${k}=${formatValue(values[k] as number, this.cfg.digits)}`);
    this.print(`${this.cfg.prefix} step ${step}: ${parts.join(' ')}`);
  }

  logParams(params: ParamValues): void {
    const parts = Object.entries(params).map(([k, v]) => `${k}=${String(v)}`);
    if (parts.length === 0) return;
    this.print(`${this.cfg.prefix} params: ${parts.join(' ')}`);
  }

  async close(): Promise<void> {}
}
