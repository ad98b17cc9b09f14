/**
 * Small duck-typed views of the things callbacks read memory from, so callbacks do not depend on
 * the monitor or cache modules: pass the objects you have.
 */
import * as os from 'node:os';
import type { TfMemoryInfo } from '../trainer/tf';

/**
 * One sample of a resource sampler. ocr-perfkit's `ResourceSampler.latest()` fits (per-GPU
 * `gpus[i].memoryUsedBytes`, `null` when unknown); a flat `gpuMemoryUsedBytes` works too.
 */
export interface ResourceSampleLike {
  /** Per-GPU readings; memory in use is summed over the GPUs that report it. */
  gpus?: ReadonlyArray<{ memoryUsedBytes?: number | null }>;
  /** GPU memory in use, bytes (alternative to `gpus`). */
  gpuMemoryUsedBytes?: number;
  /** GPU memory total, bytes (informational). */
  gpuMemoryTotalBytes?: number;
}

/** Anything with `latest()` returning the newest sample (`null`/`undefined` before the first). */
export interface ResourceSamplerLike {
  latest(): ResourceSampleLike | null | undefined;
}

/** Anything with `stats().bytes` (e.g. the polygon cache). */
export interface CacheStatsLike {
  stats(): { bytes: number };
}

/** Anything with `memory()` like the tf namespace. */
export interface TfMemoryLike {
  memory(): TfMemoryInfo;
}

/** Process resident set size in bytes (reads /proc on Linux: some µs, so not per batch). */
export function rssBytes(): number {
  return process.memoryUsage.rss();
}

/** The process's peak RSS so far in bytes (`getrusage` high-water mark; 0 when unavailable). */
export function maxRssBytes(): number {
  try {
    return process.resourceUsage().maxRSS * 1024;
  } catch {
    return 0;
  }
}

/** Percentage of host memory in use (like psutil's `virtual_memory().percent`). */
export function hostMemoryPercent(): number {
  const total = os.totalmem();
  return total > 0 ? ((total - os.freemem()) / total) * 100 : Number.NaN;
}

/** GPU bytes in use from the sampler, or `undefined` (no sampler, no sample, or it threw). */
export function gpuUsedBytes(sampler: ResourceSamplerLike | undefined): number | undefined {
  if (!sampler) return undefined;
  try {
    const sample = sampler.latest();
    if (!sample) return undefined;
    if (typeof sample.gpuMemoryUsedBytes === 'number') return sample.gpuMemoryUsedBytes;
    let sum = 0;
    let seen = false;
    for (const g of sample.gpus ?? []) {
      if (typeof g.memoryUsedBytes === 'number' && Number.isFinite(g.memoryUsedBytes)) {
        sum += g.memoryUsedBytes;
        seen = true;
      }
    }
    return seen ? sum : undefined;
  } catch {
    return undefined;
  }
}

/** `tf.memory()` or `undefined` when it throws. */
export function tfMemory(tf: TfMemoryLike | undefined): TfMemoryInfo | undefined {
  if (!tf) return undefined;
  try {
    return tf.memory();
  } catch {
    return undefined;
  }
}

/** Bytes per "MB" as the seeds print it (2^20, i.e. MiB). */
export const MB = 1024 * 1024;
/** Bytes per "GB" as the seeds print it (2^30, i.e. GiB). */
export const GB = 1024 * 1024 * 1024;
