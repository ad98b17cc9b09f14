/**
 * {@link PolygonCacheLoggerCallback} (the seeds' polygon cache logger): logs the polygon cache's
 * counters once per epoch through the run's logger.
 *
 * Logged under `prefix` (default `polygon_cache/`) at the end of every `logInterval`-th training
 * epoch (after its validation stage), step = epoch:
 *
 * | key | meaning |
 * | --- | --- |
 * | `hits`, `misses`, `sets`, `evictions`, `expirations`, `rejected` | counts since the previous report (this epoch when `logInterval` is 1) |
 * | `hit_rate` | hits ÷ (hits + misses) over the same span; `NaN` when there was no lookup |
 * | `hit_rate_total` | the same since the cache was created |
 * | `entries` | live entries now |
 * | `memory_mb` | native bytes held now (keys, values, overhead, tables) ÷ 2^20 |
 *
 * The cache is process-wide, so counts include every thread's lookups (e.g. target-generation
 * workers). Reading the stats locks each shard briefly: microseconds, once per epoch; nothing
 * runs per batch.
 */
import { z } from 'zod';
import { getCache } from '../cache/registry';
import type { CacheStats } from '../cache/native';
import { configObject, parseConfig } from '../config/validate';
import { OcrPerfkitRangeError } from '../errors';
import type { Callback, EpochEndContext, RunState } from './protocol';

/** Serializable options (a YAML `callbacks.polygonCacheLogger` block). */
export const polygonCacheLoggerConfigSchema = z
  .object({
    /** Switch the callback on/off; off costs nothing. */
    enabled: z.boolean().default(true),
    /** Log every n training epochs. */
    logInterval: z.number().int().min(1).default(1),
    /** Name of the cache to watch (opened with `getCache(name)`), when no `cache` object is given. */
    cacheName: z.string().min(1).optional(),
    /** Print one summary line per logged epoch. */
    verbose: z.boolean().default(true),
    /** Metric key prefix. */
    prefix: z.string().default('polygon_cache/'),
  })
  .strict();

/** Anything with the cache's `stats()` (a `PolygonCache`, or a stub in tests). */
export interface PolygonCacheStatsSource {
  stats(): CacheStats;
}

/** Options of {@link PolygonCacheLoggerCallback}. */
export interface PolygonCacheLoggerOptions extends Partial<z.input<typeof polygonCacheLoggerConfigSchema>> {
  /** The cache to watch; takes precedence over `cacheName`. */
  cache?: PolygonCacheStatsSource;
  /** Console sink (default `console.log`). */
  print?: (line: string) => void;
}

/** One epoch's figures, as logged (keys without prefix). */
export type PolygonCacheReport = Record<string, number>;

const COUNTERS = ['hits', 'misses', 'sets', 'evictions', 'expirations', 'rejected'] as const;

/** Per-epoch polygon cache statistics. */
export class PolygonCacheLoggerCallback implements Callback {
  readonly name = 'PolygonCacheLoggerCallback';
  readonly enabled: boolean;
  /** Parsed options. */
  readonly config: z.output<typeof polygonCacheLoggerConfigSchema>;
  /** The last computed epoch report (keys without prefix). */
  lastReport: PolygonCacheReport | undefined;
  private readonly cache: PolygonCacheStatsSource | undefined;
  private readonly print: (line: string) => void;
  private previous: CacheStats | undefined;

  constructor(options: PolygonCacheLoggerOptions = {}) {
    const { cache, print, ...rest } = configObject(options, 'callbacks.polygonCacheLogger');
    this.config = parseConfig(polygonCacheLoggerConfigSchema, rest, 'callbacks.polygonCacheLogger');
    this.enabled = this.config.enabled;
    this.print = print ?? ((line) => console.log(line));
    if (cache !== undefined) {
      if (cache === null || typeof (cache as { stats?: unknown }).stats !== 'function') {
        throw new OcrPerfkitRangeError(
          'invalid config: callbacks.polygonCacheLogger.cache: expected an object with stats()',
          'ERR_INVALID_CONFIG',
        );
      }
      this.cache = cache;
    } else if (this.config.cacheName !== undefined) {
      this.cache = this.enabled ? getCache(this.config.cacheName) : undefined;
    } else if (this.enabled) {
      throw new OcrPerfkitRangeError(
        'invalid config: callbacks.polygonCacheLogger: give `cache` or `cacheName`',
        'ERR_INVALID_CONFIG',
      );
    }
  }

  onTrainStart(_run: RunState): void {
    this.previous = this.cache?.stats();
  }

  onTrainEpochEnd(run: RunState, ctx: EpochEndContext): void {
    if (!this.cache) return;
    if ((ctx.epoch + 1) % this.config.logInterval !== 0) return;
    const now = this.cache.stats();
    // Counters are cumulative: each report covers the epochs since the previous report (one
    // epoch with logInterval 1), so the logged counts add up to the cache's totals.
    const before = this.previous;
    this.previous = now;
    const report: PolygonCacheReport = {};
    for (const key of COUNTERS) report[key] = now[key] - (before?.[key] ?? 0);
    const lookups = (report.hits as number) + (report.misses as number);
    report.hit_rate = lookups > 0 ? (report.hits as number) / lookups : Number.NaN;
    report.hit_rate_total = now.hitRate;
    report.entries = now.entries;
    report.memory_mb = now.bytes / (1024 * 1024);
    this.lastReport = report;
    const metrics: Record<string, number> = {};
    for (const key in report) metrics[this.config.prefix + key] = report[key] as number;
    run.logger.logMetrics(metrics, ctx.epoch);
    if (this.config.verbose) {
      const rate = Number.isFinite(report.hit_rate) ? `${((report.hit_rate as number) * 100).toFixed(1)}%` : 'n/a';
      this.print(
        `[PolygonCache] epoch ${ctx.epoch}: hit rate ${rate} (${report.hits}/${lookups}), ` +
          `entries ${report.entries}, ${(report.memory_mb as number).toFixed(1)} MB, ` +
          `evictions ${report.evictions}, expirations ${report.expirations}`,
      );
    }
  }
}
