/**
 * {@link JsonlLogger}: appends one JSON object per line to a file:
 * `{"time":1700000000.123,"step":12,"metrics":{"loss":0.31,"lr":"NaN"}}` and, for params,
 * `{"time":...,"params":{...}}`. `time` is Unix seconds. Non-finite values are the strings
 * `"NaN"`, `"Infinity"`, `"-Infinity"`. Writes go through a buffered stream; `logMetrics` never
 * blocks on I/O. A write error is remembered and thrown from the next call so the owning
 * group drops the sink.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { parseConfig } from '../config/validate';
import { jsonMetrics } from './json_values';
import type { MetricsLogger, MetricValues, ParamValues } from './types';

/** Options of {@link JsonlLogger}. */
export const jsonlLoggerConfigSchema = z
  .object({
    /** File to append to; parent folders are created. */
    path: z.string().min(1),
    /** Truncate the file first instead of appending. */
    truncate: z.boolean().default(false),
  })
  .strict();

/** Options of {@link JsonlLogger}. */
export type JsonlLoggerOptions = z.input<typeof jsonlLoggerConfigSchema>;

/** JSON-lines file sink. */
export class JsonlLogger implements MetricsLogger {
  readonly name = 'jsonl';
  /** Absolute path of the file. */
  readonly path: string;
  private readonly stream: fs.WriteStream;
  private error: unknown;
  private closed = false;

  constructor(options: JsonlLoggerOptions) {
    const cfg = parseConfig(jsonlLoggerConfigSchema, options, 'loggers.jsonl');
    this.path = path.resolve(cfg.path);
    fs.mkdirSync(path.dirname(this.path), { recursive: true });
    this.stream = fs.createWriteStream(this.path, { flags: cfg.truncate ? 'w' : 'a' });
    this.stream.on('error', (err) => {
      this.error ??= err;
    });
  }

  private write(obj: object): void {
    if (this.error !== undefined) throw this.error;
    if (this.closed) return;
    this.stream.write(`${JSON.stringify(obj)}\n`);
  }

  logMetrics(metrics: MetricValues, step: number): void {
    this.write({ time: Date.now() / 1000, step, metrics: jsonMetrics(metrics) });
  }

  logParams(params: ParamValues): void {
    this.write({ time: Date.now() / 1000, params });
  }

  async flush(): Promise<void> {
    if (this.error !== undefined) throw this.error;
    if (this.closed) return;
    // An empty write resolves once everything queued before it reached the file.
    await new Promise<void>((resolve, reject) =>
      this.stream.write('', (err) => (err ? reject(err) : resolve())),
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await new Promise<void>((resolve) => this.stream.end(() => resolve()));
    if (this.error !== undefined) throw this.error;
  }
}
