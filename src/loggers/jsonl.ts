/**
 * {@link JsonlLogger}: appends one JSON object per line to a file:
 * `{"time":1700000000.123,"step":12,"metrics":{"loss":0.31,"lr":"NaN"}}` and, for params,
 * `{"time":...,"params":{...}}`. `time` is Unix seconds. Non-finite values are the strings
 * `"NaN"`, `"Infinity"`, `"-Infinity"`. Lines are buffered in memory ({@link BufferedFile}) and
 * written in chunks; `logMetrics` never blocks on I/O. A write error is remembered and thrown
 * from the next call so the owning group drops the sink.
 */
import * as path from 'node:path';
import { z } from 'zod';
import { parseConfig } from '../config/validate';
import { ensureOutputDir } from '../config/output_dir';
import { BufferedFile } from './buffered_file';
import { jsonMetrics } from './json_values';
import type { MetricsLogger, MetricValues, ParamValues } from './types';
import { NumericMetrics } from './metric_values';

/** Options of {@link JsonlLogger}. */
export const jsonlLoggerConfigSchema = z
  .object({
    /** File to append to; parent folders are created. */
    path: z.string().min(1),
    /** Truncate the file first instead of appending. */
    truncate: z.boolean().default(false),
    /** Write buffered lines at least this often, ms (0 = only when 64 KiB are buffered, on flush and close). */
    flushIntervalMs: z.number().int().min(0).default(1000),
  })
  .strict();

/** Options of {@link JsonlLogger}. */
export type JsonlLoggerOptions = z.input<typeof jsonlLoggerConfigSchema>;

/** JSON-lines file sink. */
export class JsonlLogger implements MetricsLogger {
  readonly name = 'jsonl';
  /** Absolute path of the file. */
  readonly path: string;
  private readonly out: BufferedFile;
  private readonly numeric = new NumericMetrics('jsonl');

  constructor(options: JsonlLoggerOptions) {
    const cfg = parseConfig(jsonlLoggerConfigSchema, options, 'loggers.jsonl');
    this.path = path.resolve(cfg.path);
    ensureOutputDir(path.dirname(this.path), 'loggers.jsonl.path');
    this.out = new BufferedFile(this.path, { flags: cfg.truncate ? 'w' : 'a', flushIntervalMs: cfg.flushIntervalMs });
  }

  private write(obj: object): void {
    this.out.append(`${JSON.stringify(obj)}\n`);
  }

  logMetrics(metrics: MetricValues, step: number): void {
    const values = this.numeric.of(metrics, step);
    this.write({ time: Date.now() / 1000, step, metrics: jsonMetrics(values) });
  }

  logParams(params: ParamValues): void {
    this.write({ time: Date.now() / 1000, params });
  }

  async flush(): Promise<void> {
    await this.out.flush();
  }

  async close(): Promise<void> {
    await this.out.close();
  }
}
