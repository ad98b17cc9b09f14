/**
 * DB post-processing: probability map → text boxes with scores, as MhLiao/DB's
 * SegDetectorRepresenter does it (binarize at `thresh`, one candidate per connected component,
 * minimum-area rectangle, mean probability inside as the score, unclip by
 * `area * unclipRatio / perimeter` with round joins through the pyclipper-compatible offset,
 * refit, scale to the destination size). See docs/targets.md for the differences.
 */
import { z } from 'zod';
import { OcrPerfkitRangeError, OcrPerfkitTypeError } from '../errors';
import { type NativeBoxesRequest, type NativeBoxesResult, targetsNative } from './native';
import type { Point } from './polygons';
import { parseOptions } from '../validation/options';

/** Options of {@link boxesFromBitmap}. */
export interface BoxesOptions {
  /** Width of the probability map (integer >= 1). */
  width: number;
  /** Height of the probability map (integer >= 1); `width * height` at most 2^28. */
  height: number;
  /** Width of the original image that output coordinates refer to. Default `width`. */
  destWidth?: number;
  /** Height of the original image that output coordinates refer to. Default `height`. */
  destHeight?: number;
  /** Binarization threshold: pixels with probability > thresh are text. Default 0.3. */
  thresh?: number;
  /** Candidates whose mean probability is below this are dropped. Default 0.7. */
  boxThresh?: number;
  /**
   * Growth of each candidate: distance = area * unclipRatio / perimeter, round joins, through the
   * pyclipper-compatible offset (which truncates the candidate corners to integers first, as DB
   * does). 0 = no growth and no truncation. Default 1.5.
   */
  unclipRatio?: number;
  /**
   * At most this many contours are considered, in the order `cv2.findContours(RETR_LIST)` lists
   * them (outer and hole borders, reverse raster order of their first pixels), as DB's
   * `contours[:max_candidates]`. Default 1000.
   */
  maxCandidates?: number;
  /** Candidates whose rectangle's short side is below minSize (below minSize + 2 after unclip) are dropped. Default 3. */
  minSize?: number;
  /**
   * `'quad'` (default): 4 corners TL, TR, BR, BL. `'polygon'`: the contour simplified as DB's
   * `polygons_from_bitmap` does it (`cv2.approxPolyDP`, see `polygonEpsilon`), then grown.
   */
  output?: 'quad' | 'polygon';
  /**
   * `output: 'polygon'` only: how far (as a fraction of the contour's length) the simplified
   * polygon may stray from the contour, the epsilon of `cv2.approxPolyDP`. Default 0.01 (DB);
   * PaddleOCR's `box_type: 'poly'` uses 0.002, which keeps more vertices. In [0, 1].
   */
  polygonEpsilon?: number;
  /**
   * What a candidate's score (compared with `boxThresh`) averages over, as PaddleOCR's
   * `score_mode`: `'fast'` (default, DB's `box_score_fast`) the pixels of its rectangle (or
   * simplified polygon); `'slow'` (`box_score_slow`) the pixels of its traced contour, which
   * follows curved and irregular text more closely.
   */
  scoreMode?: 'fast' | 'slow';
  /**
   * Dilate the binarized map with a 2x2 kernel before tracing, as PaddleOCR's `use_dilation`
   * (`cv2.dilate`): a pixel is text when it or its left, upper or upper-left neighbour is. Joins
   * regions one pixel apart and grows each by a pixel to the right and down. Default false.
   */
  useDilation?: boolean;
}

const schema = z
  .object({
    width: z.number().int().min(1).max(65536),
    height: z.number().int().min(1).max(65536),
    destWidth: z.number().int().min(1).max(1 << 20).optional(),
    destHeight: z.number().int().min(1).max(1 << 20).optional(),
    thresh: z.number().finite().default(0.3),
    boxThresh: z.number().finite().default(0.7),
    unclipRatio: z.number().finite().min(0).default(1.5),
    maxCandidates: z.number().int().min(0).max(1 << 30).default(1000),
    minSize: z.number().finite().min(0).default(3),
    output: z.enum(['quad', 'polygon']).default('quad'),
    polygonEpsilon: z.number().finite().min(0).max(1).default(0.01),
    scoreMode: z.enum(['fast', 'slow']).default('fast'),
    useDilation: z.boolean().default(false),
  })
  .strict();

/** A detected text region in destination coordinates (integers, clipped to the image). */
export interface DetectedBox {
  /** Corners (TL, TR, BR, BL for `'quad'`) or polygon vertices, in destination pixels. */
  points: Point[];
  /** Mean probability inside the candidate (or its contour, `scoreMode: 'slow'`) before unclipping. */
  score: number;
}

function request(prob: Float32Array, options: BoxesOptions): NativeBoxesRequest {
  if (!(prob instanceof Float32Array)) {
    throw new OcrPerfkitTypeError('probMap must be a Float32Array', 'ERR_INVALID_ARGUMENT');
  }
  if (typeof options !== 'object' || options === null) {
    throw new OcrPerfkitTypeError('options must be an object with width and height', 'ERR_INVALID_ARGUMENT');
  }
  const o = parseOptions(schema, options, 'options');
  if (o.width * o.height > 2 ** 28) {
    throw new OcrPerfkitRangeError(`map of ${o.width}x${o.height} is too large`, 'ERR_OUT_OF_RANGE');
  }
  if (prob.length !== o.width * o.height) {
    throw new OcrPerfkitRangeError(
      `probMap has ${prob.length} elements; width*height = ${o.width * o.height}`,
      'ERR_BUFFER_SIZE',
    );
  }
  return {
    prob,
    width: o.width,
    height: o.height,
    destWidth: o.destWidth ?? o.width,
    destHeight: o.destHeight ?? o.height,
    thresh: o.thresh,
    boxThresh: o.boxThresh,
    unclipRatio: o.unclipRatio,
    maxCandidates: o.maxCandidates,
    minSize: o.minSize,
    polygon: o.output === 'polygon',
    polygonEpsilon: o.polygonEpsilon,
    scoreSlow: o.scoreMode === 'slow',
    dilate: o.useDilation,
  };
}

function toBoxes(r: NativeBoxesResult): DetectedBox[] {
  const out: DetectedBox[] = [];
  for (let i = 0; i + 1 < r.offsets.length; i++) {
    const points: Point[] = [];
    for (let k = r.offsets[i] as number; k < (r.offsets[i + 1] as number); k++) {
      points.push([r.xy[2 * k] as number, r.xy[2 * k + 1] as number]);
    }
    out.push({ points, score: r.scores[i] as number });
  }
  return out;
}

/**
 * Text boxes from a DB probability map (row-major `height x width`), synchronously. An empty
 * map (nothing above `thresh`) gives `[]`. Touching text regions form one connected component
 * and therefore one box. Use {@link boxesFromBitmapAsync} for large maps in a server loop.
 *
 * @throws OcrPerfkitTypeError `ERR_INVALID_ARGUMENT` (not a Float32Array, bad options);
 *   OcrPerfkitRangeError `ERR_BUFFER_SIZE` (length ≠ width·height), `ERR_OUT_OF_RANGE` (option
 *   values, a map over 2^28 pixels, or a NaN/infinite probability, which a diverged model
 *   outputs: the message names the first such pixel).
 */
export function boxesFromBitmap(probMap: Float32Array, options: BoxesOptions): DetectedBox[] {
  return toBoxes(targetsNative().boxesFromBitmap(request(probMap, options)));
}

/** {@link boxesFromBitmap} on a libuv worker thread (the map is copied first). */
export async function boxesFromBitmapAsync(probMap: Float32Array, options: BoxesOptions): Promise<DetectedBox[]> {
  return toBoxes(await targetsNative().boxesFromBitmapAsync(request(probMap, options)));
}
