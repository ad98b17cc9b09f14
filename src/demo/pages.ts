/**
 * The demo's data: synthetic receipt pages rendered per batch (the "load" stage, like image
 * decoding) and turned into DB targets on the native thread pool (the "transform" stage),
 * memoized across epochs in the shared native polygon cache.
 */
import { getCache, type PolygonCache } from '../cache';
import { makeDbTargetsBatch } from '../targets';
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

/** The four maps of one page, as stored in the cache. */
type Maps = [Float32Array, Float32Array, Float32Array, Float32Array];

/** Builds the transform: DB targets (cached by page) packed next to the images into tensors. */
export function makeTargetsTransform(tf: Tf, width: number, height: number, cache: PolygonCache) {
  const tag = `demo-dbtargets:w=${width}:h=${height}:r=0.4:exact`;
  return async (raw: PageBatch): Promise<DbBatch> => {
    const maps: Array<Maps | undefined> = raw.seeds.map((seed) => {
      const hit = cache.get([seed], tag);
      return Array.isArray(hit) && hit.length === 4 ? (hit as unknown as Maps) : undefined;
    });
    const missing = raw.pages.map((p, i) => ({ p, i })).filter(({ i }) => maps[i] === undefined);
    if (missing.length > 0) {
      const made = await makeDbTargetsBatch(
        missing.map(({ p }) => ({ polygons: p.words, options: { width, height } })),
      );
      made.forEach((t, k) => {
        const m: Maps = [t.shrinkMap, t.shrinkMask, t.threshMap, t.threshMask];
        const idx = missing[k]!.i;
        maps[idx] = m;
        cache.set([raw.seeds[idx]!], tag, m);
      });
    }
    const n = raw.pages.length;
    const plane = width * height;
    const xs = new Float32Array(n * plane);
    const ys = new Float32Array(n * plane * 4);
    raw.pages.forEach((p, b) => {
      writeModelInput(p.image, xs, b * plane);
      const m = maps[b]!;
      const base = b * plane * 4;
      for (let i = 0; i < plane; i++) {
        const o = base + i * 4;
        ys[o] = m[0][i]!;
        ys[o + 1] = m[1][i]!;
        ys[o + 2] = m[2][i]!;
        ys[o + 3] = m[3][i]!;
      }
    });
    return { xs: tf.tensor4d(xs, [n, height, width, 1]), ys: tf.tensor4d(ys, [n, height, width, 4]) };
  };
}

/** The demo's cache (a named cache any worker thread could open too). */
export function demoCache(maxBytes: number): PolygonCache {
  return getCache('ocr-perfkit-demo', { maxBytes });
}
