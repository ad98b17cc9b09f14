/**
 * DBNet training targets: shrink map/mask and threshold map/mask for one image, or for a batch
 * on the native thread pool. See docs/targets.md for the exact semantics of both modes.
 */
import { z } from 'zod';
import { PolygonCache } from '../cache/polygon_cache';
import { OcrPerfkitRangeError, OcrPerfkitTypeError } from '../errors';
import { type NativeDbSample, targetsNative } from './native';
import { type FlatPolygons, type PolygonsInput, polygonCount, toFlatPolygons } from './polygons';
import { parseOptions } from '../validation/options';

/** Largest accepted image side in pixels. */
export const MAX_TARGET_SIDE = 65536;
/** Largest accepted `width * height` (2^28 pixels, 1 GiB per float32 map). */
export const MAX_TARGET_PIXELS = 2 ** 28;

/** Caller-provided output buffers (each `width * height` long); missing ones are allocated. */
export interface DbTargetBuffers {
  /** Receives the shrink map (`width * height`). */
  shrinkMap?: Float32Array;
  /** Receives the shrink mask (`width * height`). */
  shrinkMask?: Float32Array;
  /** Receives the threshold map (`width * height`). */
  threshMap?: Float32Array;
  /** Receives the threshold mask (`width * height`). */
  threshMask?: Float32Array;
  /** Receives the final ignore tags (one entry per polygon). */
  ignoreTags?: Uint8Array;
}

const buffersSchema = z
  .object({
    shrinkMap: z.instanceof(Float32Array).optional(),
    shrinkMask: z.instanceof(Float32Array).optional(),
    threshMap: z.instanceof(Float32Array).optional(),
    threshMask: z.instanceof(Float32Array).optional(),
    ignoreTags: z.instanceof(Uint8Array).optional(),
  })
  .strict();

/** Options of {@link makeDbTargets}. */
export interface DbTargetsOptions {
  /** Image width in pixels (integer, 1 .. 65536). */
  width: number;
  /** Image height in pixels (integer, 1 .. 65536); `width * height` at most 2^28. */
  height: number;
  /** DB shrink ratio r: the shrink/grow distance is `D = area * (1 - r^2) / perimeter`. Default 0.4. */
  shrinkRatio?: number;
  /** Polygons whose clamped axis-aligned box has `min(w, h) < minTextSize` are ignored (strict). Default 8. */
  minTextSize?: number;
  /** Threshold map value far from text. Default 0.3. */
  threshMin?: number;
  /** Threshold map value on polygon edges. Default 0.7. */
  threshMax?: number;
  /**
   * `'exact'` (default): exact geometry (true point-to-segment distance, no NaN holes, every
   * shrink piece, masks and maps from one distance field). `'reference'`: bit-compatible with
   * MhLiao/DB's MakeSegDetectionData + MakeBorderMap, quirks included.
   */
  mode?: 'exact' | 'reference';
  /** Write into these buffers instead of allocating (lengths are checked). */
  out?: DbTargetBuffers;
  /**
   * Memoize whole results in this polygon cache (see `getCache`): the key is the image's exact
   * polygons (coordinates, point offsets, ignore flags), the tag its size, mode and parameters.
   * Looked up and filled inside native code, on the pool threads for batches; a hit copies the
   * four maps and the ignore tags into the outputs. Results larger than the cache's
   * `maxEntrySize` are computed and not stored.
   */
  cache?: PolygonCache;
}

const optionsSchema = z
  .object({
    width: z.number().int().min(1).max(MAX_TARGET_SIDE),
    height: z.number().int().min(1).max(MAX_TARGET_SIDE),
    shrinkRatio: z.number().gt(0).lt(1).default(0.4),
    minTextSize: z.number().min(0).finite().default(8),
    threshMin: z.number().finite().default(0.3),
    threshMax: z.number().finite().default(0.7),
    mode: z.enum(['exact', 'reference']).default('exact'),
    out: buffersSchema.optional(),
    cache: z.instanceof(PolygonCache).optional(),
  })
  .strict();

type ParsedOptions = z.output<typeof optionsSchema>;

/** The four DB maps (row-major `height x width` float32) and the final ignore tags. */
export interface DbTargets {
  /** Image width (columns of every map). */
  width: number;
  /** Image height (rows of every map). */
  height: number;
  /** 1 inside shrunk text polygons, else 0 (DB `gt`). */
  shrinkMap: Float32Array;
  /** 0 over ignored polygons, else 1 (DB `mask`). */
  shrinkMask: Float32Array;
  /** threshMin + (threshMax - threshMin) * border ridge (DB `thresh_map`). */
  threshMap: Float32Array;
  /** 1 inside the grown polygons of non-ignored text (DB `thresh_mask`). */
  threshMask: Float32Array;
  /**
   * Final ignore tag per input polygon: the input flag, or set because the polygon's area was
   * below 1, it was smaller than `minTextSize`, or its shrunk polygon was empty.
   */
  ignoreTags: Uint8Array;
  /**
   * Milliseconds the native code worked on this image (wall time on the thread that computed it,
   * polygon-cache lookup included; for a batch, without the wait for a free pool thread).
   */
  computeMs: number;
}

function buffer<T extends Float32Array | Uint8Array>(
  given: T | undefined,
  length: number,
  make: (n: number) => T,
  name: string,
): T {
  if (given === undefined) {
    try {
      return make(length);
    } catch (err) {
      throw new OcrPerfkitRangeError(
        `could not allocate ${name} (${length} elements): ${(err as Error).message}`,
        'ERR_OUT_OF_MEMORY',
      );
    }
  }
  if (given.length !== length) {
    throw new OcrPerfkitRangeError(
      `out.${name} has ${given.length} elements; expected ${length}`,
      'ERR_BUFFER_SIZE',
    );
  }
  return given;
}

function prepare(polygons: PolygonsInput, options: DbTargetsOptions): { sample: NativeDbSample; result: DbTargets } {
  if (typeof options !== 'object' || options === null) {
    throw new OcrPerfkitTypeError('options must be an object with width and height', 'ERR_INVALID_ARGUMENT');
  }
  const o: ParsedOptions = parseOptions(optionsSchema, options, 'options');
  const npx = o.width * o.height;
  if (npx > MAX_TARGET_PIXELS) {
    throw new OcrPerfkitRangeError(
      `image of ${o.width}x${o.height} exceeds ${MAX_TARGET_PIXELS} pixels`,
      'ERR_OUT_OF_RANGE',
    );
  }
  const flat: FlatPolygons = toFlatPolygons(polygons);
  const count = polygonCount(flat);
  const out = o.out ?? {};
  const f32 = (n: number) => new Float32Array(n);
  const result: DbTargets = {
    width: o.width,
    height: o.height,
    shrinkMap: buffer(out.shrinkMap, npx, f32, 'shrinkMap'),
    shrinkMask: buffer(out.shrinkMask, npx, f32, 'shrinkMask'),
    threshMap: buffer(out.threshMap, npx, f32, 'threshMap'),
    threshMask: buffer(out.threshMask, npx, f32, 'threshMask'),
    ignoreTags: buffer(out.ignoreTags, count, (n) => new Uint8Array(n), 'ignoreTags'),
    computeMs: 0,
  };
  const sample: NativeDbSample = {
    xy: flat.xy,
    offsets: flat.offsets,
    width: o.width,
    height: o.height,
    shrinkRatio: o.shrinkRatio,
    minTextSize: o.minTextSize,
    threshMin: o.threshMin,
    threshMax: o.threshMax,
    mode: o.mode,
    shrinkMap: result.shrinkMap,
    shrinkMask: result.shrinkMask,
    threshMap: result.threshMap,
    threshMask: result.threshMask,
    ignoreOut: result.ignoreTags,
    cache: o.cache?.nativeHandle,
  };
  if (flat.ignore !== undefined) sample.ignore = flat.ignore;
  return { sample, result };
}

/**
 * DB targets for one image, computed synchronously on the calling thread (about a millisecond
 * or a few for a 640x640 page; use {@link makeDbTargetsBatch} to keep the event loop free).
 *
 * @param polygons Text polygons with ignore flags, as `{points, ignore}` objects, bare `[[x, y], ...]`
 *   point lists, or the flat `{xy, offsets, ignore}` form.
 * @throws OcrPerfkitTypeError `ERR_INVALID_ARGUMENT` for wrong types; OcrPerfkitRangeError
 *   `ERR_OUT_OF_RANGE` (sizes, parameters), `ERR_INVALID_POLYGON` (non-finite coordinate, fewer
 *   than 3 points), `ERR_BUFFER_SIZE` (an `out` buffer of the wrong length),
 *   `ERR_OUT_OF_MEMORY` (the maps could not be allocated).
 */
export function makeDbTargets(polygons: PolygonsInput, options: DbTargetsOptions): DbTargets {
  const { sample, result } = prepare(polygons, options);
  result.computeMs = targetsNative().makeDbTargets(sample);
  return result;
}

/** One image of a batch. */
export interface DbTargetsSample {
  /** The image's polygons (any accepted form). */
  polygons: PolygonsInput;
  /** The image's options, as for {@link makeDbTargets}. */
  options: DbTargetsOptions;
}

/** Options of {@link makeDbTargetsBatch}. */
export interface DbBatchOptions {
  /** Most threads to use (the pool has one per core); 0 or absent = all. */
  threads?: number;
}

const batchSchema = z.object({ threads: z.number().int().min(0).max(1024).optional() }).strict();

/**
 * DB targets for many images on the native thread pool (every core), without blocking the event
 * loop. Resolves with one result per sample, in order; rejects with the first failing sample's
 * coded error. Inputs are copied before the promise is returned; `out` buffers are written in
 * the background, so do not read, transfer or detach them until the promise settles.
 */
export async function makeDbTargetsBatch(
  samples: ReadonlyArray<DbTargetsSample>,
  options: DbBatchOptions = {},
): Promise<DbTargets[]> {
  if (!Array.isArray(samples)) throw new OcrPerfkitTypeError('samples must be an array', 'ERR_INVALID_ARGUMENT');
  const { threads } = parseOptions(batchSchema, options, 'options');
  const prepared = samples.map((s, i) => {
    if (typeof s !== 'object' || s === null) {
      throw new OcrPerfkitTypeError(`samples[${i}] must be { polygons, options }`, 'ERR_INVALID_ARGUMENT');
    }
    return prepare(s.polygons, s.options);
  });
  const computeMs = await targetsNative().makeDbTargetsBatch(
    prepared.map((p) => p.sample),
    threads ?? 0,
  );
  return prepared.map((p, i) => {
    p.result.computeMs = computeMs[i]!;
    return p.result;
  });
}

/** {@link makeDbTargets} off the JS thread: a batch of one. */
export async function makeDbTargetsAsync(polygons: PolygonsInput, options: DbTargetsOptions): Promise<DbTargets> {
  const [r] = await makeDbTargetsBatch([{ polygons, options }], { threads: 1 });
  return r as DbTargets;
}

/** Number of threads the targets pool can use (cores). */
export function targetsThreadCount(): number {
  return targetsNative().targetsPoolSize();
}
