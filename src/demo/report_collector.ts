/**
 * The main job's own callback: keeps what the report needs (per-batch timings, per-epoch
 * throughput and losses) in arrays. Host-side numbers only, no device reads.
 */
import type { BatchEndContext, Callback, EpochEndContext, RunState } from '../callbacks/protocol';

/** Per-epoch row kept by {@link ReportCollector}. */
export interface CollectedEpoch {
  epoch: number;
  trainBatches: number;
  trainSamples: number;
  trainMs: number;
  valMs: number;
  metrics: Record<string, number>;
  dataWaitMs: number[];
  stepMs: number[];
  transformMs: number[];
  loadMs: number[];
}

export class ReportCollector implements Callback {
  readonly name = 'ReportCollector';
  readonly epochs: CollectedEpoch[] = [];
  readonly valBatchMs: number[] = [];
  private current: CollectedEpoch | undefined;

  onTrainEpochStart(_run: RunState, ctx: { epoch: number }): void {
    this.current = {
      epoch: ctx.epoch,
      trainBatches: 0,
      trainSamples: 0,
      trainMs: 0,
      valMs: 0,
      metrics: {},
      dataWaitMs: [],
      stepMs: [],
      transformMs: [],
      loadMs: [],
    };
    this.epochs.push(this.current);
  }

  onTrainBatchEnd(_run: RunState, ctx: BatchEndContext): void {
    const c = this.current;
    if (!c) return;
    c.dataWaitMs.push(ctx.timing.dataWaitMs);
    c.stepMs.push(ctx.timing.stepMs);
    c.transformMs.push(ctx.timing.transformMs);
    c.loadMs.push(ctx.timing.loadMs);
  }

  onValidationBatchEnd(_run: RunState, ctx: BatchEndContext): void {
    this.valBatchMs.push(ctx.timing.stepMs + ctx.timing.dataWaitMs);
  }

  onValidationEpochEnd(_run: RunState, ctx: EpochEndContext): void {
    if (!this.current) return;
    this.current.valMs = ctx.durationMs;
    Object.assign(this.current.metrics, ctx.metrics);
  }

  onTrainEpochEnd(_run: RunState, ctx: EpochEndContext): void {
    if (!this.current) return;
    this.current.trainBatches = ctx.numBatches;
    this.current.trainSamples = ctx.numSamples;
    this.current.trainMs = ctx.durationMs;
    Object.assign(this.current.metrics, ctx.metrics);
  }
}
