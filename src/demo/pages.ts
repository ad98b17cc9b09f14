/**
 * The demo's data: synthetic receipt pages rendered per batch (the "load" stage, like image
 * decoding) and turned into DB targets on the native thread pool (the "transform" stage),
 * memoized across epochs in the shared native polygon cache (looked up inside native code).
 */
import { getCache, type PolygonCache } from '../cache';
import { type DbTargets, makeDbTargetsBatch } from '../targets';
import type { TransformWork } from '../trainer/data_loader';
import type { Tf } from './tfjs';
import { makeSyntheticReceipt, type SyntheticPage } from './synthetic_receipts';
import type * as tfjs from '@tensorflow/tfjs';

/** A batch as the Trainer's default steps want it: images and packed DB targets. */
export interface DbBatch {
  xs: tfjs.Tensor4D;
  ys: tfjs.Tensor4D;
}

/** Raw batch: the rendered pages (load stage output). */
export interface PageBatch {
  pages: SyntheticPage[];
  seeds: number[];
}

/** Where the demo data comes from. */
export interface PageSetOptions {
  /** Width of each synthetic page in pixels. */
  width: number;
  /** Height of each synthetic page in pixels. */
  height: number;
  /** Seeds of the pages in this set (one page per seed). */
  seeds: number[];
  /** Pages per yielded batch (the last batch may be smaller). */
  batchSize: number;
}

/** An iterable factory of page batches, one pass per call. */
export function pageBatches(o: PageSetOptions): () => Iterable<PageBatch> {
  return function* pass() {
    for (let i = 0; i < o.seeds.length; i += o.batchSize) {
      const seeds = o.seeds.slice(i, i + o.batchSize);
      yield { seeds, pages: seeds.map((seed) => makeSyntheticReceipt({ width: o.width, height: o.height, seed })) };
    }
  };
}

/**
 * Model input of a page: ink = 1 − grey level, so text is high and paper near 0 (a tiny ReLU
 * net learns much faster from that than from dark-on-light).
 */
export function writeModelInput(image: Float32Array, out: Float32Array, offset = 0): Float32Array {
  for (let i = 0; i < image.length; i++) out[offset + i] = 1 - image[i]!;
  return out;
}

/**
 * Builds the transform: DB targets for the batch's pages on the native thread pool, memoized per
 * page inside native code by the polygon cache, packed next to the images into tensors.
 */
export function makeTargetsTransform(tf: Tf, width: number, height: number, cache: PolygonCache) {
  return async (raw: PageBatch, work: TransformWork): Promise<DbBatch> => {
    const targets = await makeDbTargetsBatch(raw.pages.map((p) => ({ polygons: p.words, options: { width, height, cache } })));
    // The transform's own work: native time per page plus the packing below (the wall time
    // from start to result also counts waiting for the JS thread the training step holds).
    for (const t of targets) work.add(t.computeMs);
    return work.time(() =>
      toTensors(
        tf,
        packBatch(
          raw.pages.map((p) => p.image),
          targets,
          width,
          height,
        ),
        width,
        height,
      ),
    );
  };
}

/** A batch's model input (`n × h × w × 1`) and labels (`n × h × w × 4`), packed for tensors. */
export interface PackedBatch {
  n: number;
  xs: Float32Array;
  ys: Float32Array;
}

/** Packs the images and the four target maps of a batch into the model's input and label arrays. */
export function packBatch(images: Float32Array[], targets: DbTargets[], width: number, height: number): PackedBatch {
  const n = images.length;
  const plane = width * height;
  const xs = new Float32Array(n * plane);
  const ys = new Float32Array(n * plane * 4);
  images.forEach((image, b) => {
    writeModelInput(image, xs, b * plane);
    const t = targets[b]!;
    const base = b * plane * 4;
    for (let i = 0; i < plane; i++) {
      const o = base + i * 4;
      ys[o] = t.shrinkMap[i]!;
      ys[o + 1] = t.shrinkMask[i]!;
      ys[o + 2] = t.threshMap[i]!;
      ys[o + 3] = t.threshMask[i]!;
    }
  });
  return { n, xs, ys };
}

function toTensors(tf: Tf, p: PackedBatch, width: number, height: number): DbBatch {
  return { xs: tf.tensor4d(p.xs, [p.n, height, width, 1]), ys: tf.tensor4d(p.ys, [p.n, height, width, 4]) };
}

/** What the main thread sends a targets worker for one batch (see `targets_worker.ts`). */
export interface WorkerBatchInput {
  width: number;
  height: number;
  /** Name and byte bound of the shared polygon cache the worker opens. */
  cacheName: string;
  cacheBytes: number;
  pages: Array<{ image: Float32Array; words: SyntheticPage['words'] }>;
}

/** The pool a worker transform runs on: {@link WorkerPool} of `targets_worker.js`'s `transform`. */
export interface TargetsWorkerPool {
  runTimed(input: WorkerBatchInput, transfer: ArrayBuffer[]): Promise<{ value: PackedBatch; execMs: number }>;
}

/**
 * The transform with the targets and the packing on worker threads (`data.workers > 0`): each
 * worker opens the same named native polygon cache, so pages cached by one worker are hits in
 * the others. The main thread only wraps the packed arrays in tensors.
 */
export function makeWorkerTargetsTransform(
  tf: Tf,
  width: number,
  height: number,
  cache: { name: string; maxBytes: number },
  pool: TargetsWorkerPool,
) {
  return async (raw: PageBatch, work: TransformWork): Promise<DbBatch> => {
    const input: WorkerBatchInput = {
      width,
      height,
      cacheName: cache.name,
      cacheBytes: cache.maxBytes,
      pages: raw.pages.map((p) => ({ image: p.image, words: p.words })),
    };
    // The images move to the worker (the main thread does not need them again).
    const r = await pool.runTimed(
      input,
      raw.pages.map((p) => p.image.buffer as ArrayBuffer),
    );
    work.add(r.execMs);
    return work.time(() => toTensors(tf, r.value, width, height));
  };
}

/** The demo's cache (a named cache any worker thread could open too). */
export function demoCache(maxBytes: number): PolygonCache {
  return getCache(DEMO_CACHE_NAME, { maxBytes });
}

/** Name of the demo's shared polygon cache. */
export const DEMO_CACHE_NAME = 'ocr-perfkit-demo';
