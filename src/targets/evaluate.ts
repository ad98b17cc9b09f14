/**
 * Detection quality with the ICDAR 2015 (Challenge 4, IoU) protocol: ground truth marked
 * `ignore` ("###") is "don't care"; a prediction that covers a don't-care region by more than
 * `ignoreOverlap` of its own area is dropped from the count; remaining pairs are matched one to
 * one, ground truth in order then predictions in order, when IoU > `iou` (strict, as the
 * official script). Totals are summed over images before dividing.
 */
import { z } from 'zod';
import { OcrPerfkitTypeError } from '../errors';
import { intersectionArea, polygonArea } from './polygon_area';
import type { LabeledPolygon, Point } from './polygons';
import { parseOptions } from '../validation/options';

/** A prediction: `{ points, score? }` or a bare point list. */
export type PredictionInput = { points: ReadonlyArray<Point>; score?: number } | ReadonlyArray<Point>;
/** A ground-truth polygon: `{ points, ignore? }` or a bare point list (never ignored). */
export type GroundTruthInput = LabeledPolygon | ReadonlyArray<Point>;

/** Options of {@link evaluateDetections}. */
export interface EvaluateOptions {
  /** A prediction matches a ground-truth polygon when IoU > iou. Default 0.5. */
  iou?: number;
  /** A prediction overlapping ignored ground truth by more than this fraction of its area is not counted. Default 0.5. */
  ignoreOverlap?: number;
}

const schema = z
  .object({ iou: z.number().min(0).max(1).default(0.5), ignoreOverlap: z.number().min(0).max(1).default(0.5) })
  .strict();

/** Counts and scores of one image. */
export interface ImageEvaluation {
  /** matched / counted predictions. */
  precision: number;
  /** matched / counted ground truth. */
  recall: number;
  /** Harmonic mean of precision and recall (0 when both are 0). */
  hmean: number;
  /** One-to-one matches with IoU above the threshold. */
  matched: number;
  /** Ground-truth polygons that count (not ignored). */
  groundTruthCount: number;
  /** Predictions that count (not on ignored ground truth). */
  predictionCount: number;
}

/** Totals over all images plus the per-image figures. */
export interface DetectionEvaluation extends ImageEvaluation {
  /** The same figures for each image, in input order. */
  images: ImageEvaluation[];
}

const pts = (p: PredictionInput | GroundTruthInput): ReadonlyArray<Point> =>
  Array.isArray(p) ? (p as ReadonlyArray<Point>) : (p as { points: ReadonlyArray<Point> }).points;

function hmean(p: number, r: number): number {
  return p + r === 0 ? 0 : (2 * p * r) / (p + r);
}

function evaluateImage(
  preds: ReadonlyArray<PredictionInput>,
  gts: ReadonlyArray<GroundTruthInput>,
  o: { iou: number; ignoreOverlap: number },
): ImageEvaluation {
  const gtPolys = gts.map(pts);
  const gtIgnore = gts.map((g) => !Array.isArray(g) && !!(g as LabeledPolygon).ignore);
  const detPolys = preds.map(pts);
  const detIgnore = detPolys.map((d) => {
    const area = polygonArea(d);
    if (area === 0) return false;
    return gtPolys.some((g, i) => gtIgnore[i] && intersectionArea(d, g) / area > o.ignoreOverlap);
  });
  const gtUsed = new Uint8Array(gtPolys.length);
  const detUsed = new Uint8Array(detPolys.length);
  let matched = 0;
  for (let i = 0; i < gtPolys.length; i++) {
    if (gtIgnore[i]) continue;
    const g = gtPolys[i] as ReadonlyArray<Point>;
    const ga = polygonArea(g);
    for (let j = 0; j < detPolys.length; j++) {
      if (gtUsed[i] || detUsed[j] || detIgnore[j]) continue;
      const d = detPolys[j] as ReadonlyArray<Point>;
      const inter = intersectionArea(g, d);
      const union = ga + polygonArea(d) - inter;
      if (union > 0 && inter / union > o.iou) {
        gtUsed[i] = 1;
        detUsed[j] = 1;
        matched++;
      }
    }
  }
  const groundTruthCount = gtIgnore.filter((x) => !x).length;
  const predictionCount = detIgnore.filter((x) => !x).length;
  const recall = groundTruthCount === 0 ? 1 : matched / groundTruthCount;
  const precision = groundTruthCount === 0 ? (predictionCount > 0 ? 0 : 1) : predictionCount === 0 ? 0 : matched / predictionCount;
  return { precision, recall, hmean: hmean(precision, recall), matched, groundTruthCount, predictionCount };
}

/**
 * Precision, recall and hmean of predicted text polygons against ground truth, per image and in
 * total. Pass one array per image (`predictions[i]` ↔ `groundTruth[i]`).
 *
 * Totals follow the official script: precision = matched / counted predictions (0 when there
 * are none), recall = matched / counted ground truth (0 when there is none). Per image, an image
 * without counted ground truth has recall 1 and precision 1 if it also has no counted prediction.
 */
export function evaluateDetections(
  predictions: ReadonlyArray<ReadonlyArray<PredictionInput>>,
  groundTruth: ReadonlyArray<ReadonlyArray<GroundTruthInput>>,
  options: EvaluateOptions = {},
): DetectionEvaluation {
  const o = parseOptions(schema, options, 'options');
  if (!Array.isArray(predictions) || !Array.isArray(groundTruth)) {
    throw new OcrPerfkitTypeError('predictions and groundTruth must be arrays (one entry per image)', 'ERR_INVALID_ARGUMENT');
  }
  if (predictions.length !== groundTruth.length) {
    throw new OcrPerfkitTypeError(
      `predictions has ${predictions.length} images but groundTruth has ${groundTruth.length}`,
      'ERR_INVALID_ARGUMENT',
    );
  }
  for (const list of [...predictions, ...groundTruth]) {
    if (!Array.isArray(list)) throw new OcrPerfkitTypeError('each image entry must be an array of polygons', 'ERR_INVALID_ARGUMENT');
    for (const p of list) {
      const ring = Array.isArray(p) ? p : (p as { points?: unknown })?.points;
      if (!Array.isArray(ring) || ring.some((q) => !Array.isArray(q) || !Number.isFinite(q[0]) || !Number.isFinite(q[1]))) {
        throw new OcrPerfkitTypeError('every polygon must be a list of finite [x, y] points', 'ERR_INVALID_ARGUMENT');
      }
    }
  }
  const images = predictions.map((p, i) => evaluateImage(p, groundTruth[i] as ReadonlyArray<GroundTruthInput>, o));
  const matched = images.reduce((s, e) => s + e.matched, 0);
  const groundTruthCount = images.reduce((s, e) => s + e.groundTruthCount, 0);
  const predictionCount = images.reduce((s, e) => s + e.predictionCount, 0);
  const recall = groundTruthCount === 0 ? 0 : matched / groundTruthCount;
  const precision = predictionCount === 0 ? 0 : matched / predictionCount;
  return { precision, recall, hmean: hmean(precision, recall), matched, groundTruthCount, predictionCount, images };
}
