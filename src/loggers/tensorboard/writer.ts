/**
 * {@link TensorBoardLogger}: writes scalars to a TensorBoard event file
 * (`<logDir>/events.out.tfevents.<unix seconds>.<hostname><suffix>`) without tfjs-node: events
 * are protobuf-encoded by hand and framed as TFRecords with masked CRC-32C checksums, which is
 * what TensorBoard's reader verifies. Each `logMetrics` call becomes one `Event` whose `Summary`
 * holds one `simple_value` per metric (float32, so NaN and ±Infinity are kept as such).
 *
 * Records are buffered in memory ({@link BufferedFile}) and written in chunks; a write error is
 * remembered and thrown from the next call so the owning group drops the sink.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { z } from 'zod';
import { parseConfig } from '../../config/validate';
import { ensureOutputDir } from '../../config/output_dir';
import { BufferedFile } from '../buffered_file';
import { NumericMetrics } from '../metric_values';
import type { MetricsLogger, MetricValues } from '../types';
import { encodeFileVersionEvent, encodeScalarEvent } from './proto';
import { frameRecord } from './record';

/** Options of {@link TensorBoardLogger}. */
export const tensorBoardLoggerConfigSchema = z
  .object({
    /** Folder of the run (what `tensorboard --logdir` points at or below); created if missing. */
    logDir: z.string().min(1),
    /** Text appended to the file name (e.g. `.v2`), to keep several writers apart. */
    filenameSuffix: z.string().default(''),
    /** Write buffered events at least this often, ms (0 = only when 64 KiB are buffered, on flush and close). */
    flushIntervalMs: z.number().int().min(0).default(1000),
  })
  .strict();

/** Options of {@link TensorBoardLogger}. */
export type TensorBoardLoggerOptions = z.input<typeof tensorBoardLoggerConfigSchema>;

/** TensorBoard event-file sink. */
export class TensorBoardLogger implements MetricsLogger {
  readonly name = 'tensorboard';
  /** Absolute path of the event file. */
  readonly file: string;
  private readonly out: BufferedFile;
  private readonly numeric = new NumericMetrics('tensorboard');

  constructor(options: TensorBoardLoggerOptions) {
    const cfg = parseConfig(tensorBoardLoggerConfigSchema, options, 'loggers.tensorboard');
    const dir = path.resolve(cfg.logDir);
    ensureOutputDir(dir, 'loggers.tensorboard.logDir');
    const now = Date.now() / 1000;
    this.file = path.join(dir, `events.out.tfevents.${Math.floor(now)}.${os.hostname()}${cfg.filenameSuffix}`);
    this.out = new BufferedFile(this.file, { flags: 'w', flushIntervalMs: cfg.flushIntervalMs });
    this.out.append(frameRecord(encodeFileVersionEvent(now)));
  }

  logMetrics(metrics: MetricValues, step: number): void {
    const values = this.numeric.of(metrics, step);
    this.out.append(frameRecord(encodeScalarEvent(Date.now() / 1000, step, values)));
  }

  async flush(): Promise<void> {
    await this.out.flush();
  }

  async close(): Promise<void> {
    await this.out.close();
  }
}
