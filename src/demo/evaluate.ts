/**
 * Detection quality of the demo model on held-out synthetic pages: predict the probability map,
 * turn it into boxes with the native DB post-processing, and score them against the ground
 * truth with the ICDAR protocol (IoU ≥ 0.5, ignored words neither counted nor penalised).
 */
import type * as tfjs from '@tensorflow/tfjs';
import { boxesFromBitmap } from '../targets/boxes';
import { evaluateDetections } from '../targets/evaluate';
import { writeModelInput } from './pages';
import { makeSyntheticReceipt } from './synthetic_receipts';
import type { Tf } from './tfjs';

/** One page drawn in the report. */
export interface EvaluatedExample {
  seed: number;
  prob: Float32Array;
  boxes: Array<{ points: Array<[number, number]>; score: number }>;
  matched: number;
  groundTruth: number;
}

/** Scores over all evaluated pages. */
export interface PageEvaluation {
  precision: number;
  recall: number;
  hmean: number;
  /** Matched ground-truth words. */
  matched: number;
  /** Ground-truth words that count (not ignored). */
  groundTruth: number;
  /**
   * Pages whose probability map held NaN or Infinity (a model whose loss diverged): no boxes are
   * taken from them, so their words count as missed.
   */
  nonFinitePages: number;
  examples: EvaluatedExample[];
}

export async function evaluatePages(
  tf: Tf,
  model: tfjs.LayersModel,
  o: { width: number; height: number; seeds: number[]; examples: number; thresh?: number; boxThresh?: number },
): Promise<PageEvaluation> {
  const predictions: Array<Array<{ points: Array<[number, number]>; score: number }>> = [];
  const truths: Array<Array<{ points: Array<[number, number]>; ignore: boolean }>> = [];
  const probs: Float32Array[] = [];
  const plane = o.width * o.height;
  let nonFinitePages = 0;
  for (const seed of o.seeds) {
    const page = makeSyntheticReceipt({ width: o.width, height: o.height, seed });
    const out = tf.tidy(() => {
      const x = tf.tensor4d(writeModelInput(page.image, new Float32Array(plane)), [1, o.height, o.width, 1]);
      const y = model.predict(x) as tfjs.Tensor;
      return tf.squeeze(tf.slice(y, [0, 0, 0, 0], [1, o.height, o.width, 1]));
    });
    const prob = new Float32Array(await out.data());
    out.dispose();
    if (prob.length !== plane) throw new RangeError('model output has the wrong size');
    // boxesFromBitmap rejects NaN/Infinity; a diverged model's page yields no boxes instead, so
    // that the job still ends with its report.
    const finite = allFinite(prob);
    if (!finite) nonFinitePages++;
    const found = finite
      ? boxesFromBitmap(prob, { width: o.width, height: o.height, thresh: o.thresh ?? 0.3, boxThresh: o.boxThresh ?? 0.7 })
      : [];
    const boxes = found.map((b) => ({
      points: b.points.map(([x, y]) => [x, y] as [number, number]),
      score: b.score,
    }));
    predictions.push(boxes);
    truths.push(page.words.map((w) => ({ points: w.points, ignore: w.ignore })));
    if (probs.length < o.examples) probs.push(prob);
  }
  const all = evaluateDetections(predictions, truths, { iou: 0.5 });
  const examples: EvaluatedExample[] = probs.map((prob, i) => ({
    seed: o.seeds[i]!,
    prob,
    boxes: predictions[i]!,
    matched: all.images[i]!.matched,
    groundTruth: all.images[i]!.groundTruthCount,
  }));
  return {
    precision: all.precision,
    recall: all.recall,
    hmean: all.hmean,
    matched: all.matched,
    groundTruth: all.groundTruthCount,
    nonFinitePages,
    examples,
  };
}

function allFinite(values: Float32Array): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return false;
  return true;
}
