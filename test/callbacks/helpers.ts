import type { BatchEndContext, RunState } from '../../src/callbacks/protocol';
import { MemoryLogger } from '../../src/loggers/memory';

export function fakeRun(logger = new MemoryLogger()): RunState & { logger: MemoryLogger } {
  return {
    source: 'trainer',
    stage: 'train',
    epoch: 0,
    globalStep: 0,
    maxEpochs: 1,
    shouldStop: false,
    logger,
    startedAt: 0,
  };
}

export function batchEnd(
  stage: 'train' | 'validate',
  batchIdx: number,
  timing: Partial<BatchEndContext['timing']>,
  size = 4,
): BatchEndContext {
  return {
    stage,
    epoch: 0,
    batchIdx,
    size,
    batch: undefined,
    outputs: undefined,
    timing: { dataWaitMs: Number.NaN, loadMs: Number.NaN, transformMs: Number.NaN, transformWallMs: Number.NaN, loadStartMs: Number.NaN, transformStartMs: Number.NaN, stepMs: Number.NaN, ...timing },
  };
}
