/**
 * The demo's learning-rate schedule: a half cosine from the peak rate at the first epoch down
 * towards 0 at the end, set on the optimizer at the start of each training epoch. With a constant
 * Adam rate the tiny DBNet's DB loss (binarization amplified by k = 50) jumped after 6 epochs at
 * 0.02 and after ~18 at 0.005 on 32 pages; decaying the rate lets the last epochs settle instead.
 */
import type { Callback } from '../callbacks/protocol';

/** An optimizer whose `learningRate` is read at every step (tfjs's Adam, SGD, RMSProp…). */
export interface MutableRateOptimizer {
  learningRate: number;
}

/** Rate of epoch `epoch` (0-based) of `epochs`: peak · (1 + cos(π · epoch / epochs)) / 2. */
export function cosineRate(peak: number, epoch: number, epochs: number): number {
  return (peak * (1 + Math.cos((Math.PI * Math.min(epoch, epochs)) / Math.max(1, epochs)))) / 2;
}

/** A callback that sets `optimizer.learningRate` to {@link cosineRate} at each training epoch's start. */
export function cosineLearningRate(optimizer: MutableRateOptimizer, peak: number, epochs: number): Callback {
  return {
    name: 'CosineLearningRate',
    onTrainEpochStart: (_run, ctx) => {
      optimizer.learningRate = cosineRate(peak, ctx.epoch, epochs);
    },
  };
}
