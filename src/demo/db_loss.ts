/**
 * DB loss for the demo model. Targets are packed as `[batch, h, w, 4]`: shrink map, shrink
 * mask, threshold map, threshold mask (the four outputs of `makeDbTargets`, in that order).
 * Predictions are `[batch, h, w, 2]`: P and T (see `buildDbNet`).
 *
 *   L = Ls + α·Lb + β·Lt,  α = 1, β = 10 (the paper's weights)
 *   Ls: balanced binary cross-entropy of P against the shrink map over the shrink mask — the mean
 *       over text pixels plus the mean over background pixels (the paper mines the hardest
 *       negatives 3:1 instead; mining needs a data-dependent k, i.e. a device→host read every
 *       step, which this demo avoids);
 *   Lb: dice loss of B = sigmoid(k (P − T)) against the shrink map over the shrink mask;
 *   Lt: L1 distance of T to the threshold map inside the threshold mask.
 *
 * Returns a scalar; every intermediate is freed by `tf.tidy`.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from './tfjs';

/** Weights of {@link dbLoss}. */
export interface DbLossOptions {
  /** Weight of the binary-map loss. Default 1. */
  alpha?: number;
  /** Weight of the threshold-map loss. Default 10. */
  beta?: number;
  /** Amplification factor k of the differentiable binarization. Default 50. */
  k?: number;
}

export function dbLoss(tf: Tf, targets: tfjs.Tensor, predictions: tfjs.Tensor, options: DbLossOptions = {}): tfjs.Scalar {
  const alpha = options.alpha ?? 1;
  const beta = options.beta ?? 10;
  const k = options.k ?? 50;
  return tf.tidy(() => {
    const [gt, mask, threshGt, threshMask] = tf.split(targets, 4, -1) as [tfjs.Tensor, tfjs.Tensor, tfjs.Tensor, tfjs.Tensor];
    const [p, t] = tf.split(predictions, 2, -1) as [tfjs.Tensor, tfjs.Tensor];
    const eps = 1e-6;
    const dice = (pred: tfjs.Tensor) => {
      const inter = tf.sum(tf.mul(tf.mul(pred, gt), mask));
      const union = tf.add(tf.sum(tf.mul(pred, mask)), tf.sum(tf.mul(gt, mask)));
      return tf.sub(1, tf.div(tf.add(tf.mul(2, inter), eps), tf.add(union, eps)));
    };
    const b = tf.sigmoid(tf.mul(k, tf.sub(p, t)));
    const pc = tf.clipByValue(p, eps, 1 - eps);
    const pos = tf.mul(gt, mask);
    const neg = tf.mul(tf.sub(1, gt), mask);
    const bcePos = tf.div(tf.sum(tf.mul(tf.neg(tf.log(pc)), pos)), tf.add(tf.sum(pos), eps));
    const bceNeg = tf.div(tf.sum(tf.mul(tf.neg(tf.log(tf.sub(1, pc))), neg)), tf.add(tf.sum(neg), eps));
    const ls = tf.add(bcePos, bceNeg);
    const lb = dice(b);
    const lt = tf.div(tf.sum(tf.mul(tf.abs(tf.sub(t, threshGt)), threshMask)), tf.add(tf.sum(threshMask), eps));
    return tf.add(tf.add(ls, tf.mul(alpha, lb)), tf.mul(beta, lt)) as tfjs.Scalar;
  });
}
