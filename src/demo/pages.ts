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
  width: number;
  height: number;
  /** Seeds of the pages in this set (one page per seed). */
  seeds: number[];
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
    return work.time(() => packBatch(tf, raw, targets, width, height));
  };
}

/** Images and the four target maps of a batch, packed into the model's input and label tensors. */
function packBatch(tf: Tf, raw: PageBatch, targets: DbTargets[], width: number, height: number): DbBatch {
  const n = raw.pages.length;
  const plane = width * height;
  const xs = new Float32Array(n * plane);
  const ys = new Float32Array(n * plane * 4);
  raw.pages.forEach((p, b) => {
    writeModelInput(p.image, xs, b * plane);
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
  return { xs: tf.tensor4d(xs, [n, height, width, 1]), ys: tf.tensor4d(ys, [n, height, width, 4]) };
}

/** The demo's cache (a named cache any worker thread could open too). */
export function demoCache(maxBytes: number): PolygonCache {
  return getCache('ocr-perfkit-demo', { maxBytes });
}
