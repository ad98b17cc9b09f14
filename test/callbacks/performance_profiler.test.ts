import { PerformanceProfilerCallback } from '../../src/callbacks/performance_profiler';
import { CallbackRunner } from '../../src/callbacks/protocol';
import { MemoryLogger } from '../../src/loggers/memory';
import { Trainer } from '../../src/trainer/trainer';
import { batches, cpu, tf, tinyModel } from '../trainer/tiny';
import { batchEnd, fakeRun } from './helpers';

const MB = 1024 * 1024;
const GB = 1024 * MB;

describe('PerformanceProfilerCallback', () => {
  test('statistics, per-batch logging at logInterval, memory at start/end, verbose summary', () => {
    const lines: string[] = [];
    let numTensors = 5;
    const cb = new PerformanceProfilerCallback({
      logInterval: 2,
      verbose: true,
      tf: { memory: () => ({ numTensors: numTensors, numBytes: numTensors * MB }) },
      sampler: { latest: () => ({ gpuMemoryUsedBytes: 1.5 * GB }) },
      print: (l) => lines.push(l),
    });
    const run = fakeRun();
    cb.onValidationEpochStart(run, { stage: 'validate', epoch: 0 });
    [100, 200, 300, 400].forEach((ms, i) => {
      cb.onValidationBatchEnd(run, batchEnd('validate', i, { stepMs: ms }));
    });
    numTensors = 7;
    cb.onValidationEpochEnd(run, { stage: 'validate', epoch: 0, numBatches: 4, numSamples: 16, durationMs: 1, metrics: {} });
    const mem = run.logger;
    expect(mem.series('performance/val_batch_time')).toEqual([
      [0, 0.1],
      [0, 0.3],
    ]);
    expect(mem.series('performance/val_batch_idx').map(([, v]) => v)).toEqual([0, 2]);
    const m = mem.records.at(-1)!.metrics;
    expect(m['performance/val_num_batches']).toBe(4);
    expect(m['performance/val_batch_mean']).toBeCloseTo(0.25, 12);
    expect(m['performance/val_batch_median']).toBeCloseTo(0.25, 12);
    expect(m['performance/val_batch_p95']).toBeCloseTo(0.385, 12);
    expect(m['performance/val_batch_p99']).toBeCloseTo(0.397, 12);
    expect(m['performance/val_batch_std']).toBeCloseTo(Math.sqrt(0.0125), 12);
    expect(m['performance/val_epoch_time']).toBeGreaterThanOrEqual(0);
    expect(m['performance/tf_num_tensors_start']).toBe(5);
    expect(m['performance/tf_num_tensors_end']).toBe(7);
    expect(m['performance/tf_memory_mb_end']).toBe(7);
    expect(m['performance/gpu_memory_gb']).toBe(1.5);
    expect(m['performance/gpu_memory_gb_start']).toBe(1.5);
    expect(m['performance/rss_mb_start']).toBeGreaterThan(1);
    expect(m['performance/cpu_memory_percent']).toBeGreaterThan(0);
    expect(lines.slice(0, 2)).toEqual(['Validation batch 0: 0.100s', 'Validation batch 2: 0.300s']);
    const summary = lines[2]!.split('\n');
    expect(summary[1]).toBe('=== Validation Performance Summary ===');
    expect(summary[3]).toBe('Batch times: mean=0.250s, median=0.250s, p95=0.385s, p99=0.397s, std=0.112s (n=4)');
    expect(summary[4]).toBe('tf memory: 5 → 7 tensors, 5 → 7 MB');
    expect(summary[6]).toBe('GPU memory: 1.50GB');
    expect(cb.lastProfile!.batchTimesS).toEqual(new Float64Array([0.1, 0.2, 0.3, 0.4]));
  });

  test('GPU memory from a ResourceSampler-shaped sample (sum over GPUs, nulls skipped)', () => {
    const run = fakeRun();
    const cb = new PerformanceProfilerCallback({
      profileMemory: true,
      tf: { memory: () => ({ numTensors: 0, numBytes: 0 }) },
      sampler: {
        latest: () => ({ gpus: [{ memoryUsedBytes: 1 * GB }, { memoryUsedBytes: null }, { memoryUsedBytes: 0.5 * GB }] }),
      },
    });
    cb.onValidationEpochStart(run, { stage: 'validate', epoch: 0 });
    cb.onValidationEpochEnd(run, { stage: 'validate', epoch: 0, numBatches: 0, numSamples: 0, durationMs: 0, metrics: {} });
    expect(run.logger.last('performance/gpu_memory_gb')).toBe(1.5);
    const none = new PerformanceProfilerCallback({ tf: { memory: () => ({ numTensors: 0, numBytes: 0 }) }, sampler: { latest: () => null } });
    const run2 = fakeRun();
    none.onValidationEpochStart(run2, { stage: 'validate', epoch: 0 });
    none.onValidationEpochEnd(run2, { stage: 'validate', epoch: 0, numBatches: 0, numSamples: 0, durationMs: 0, metrics: {} });
    expect(run2.logger.last('performance/gpu_memory_gb')).toBeUndefined();
  });

  test('empty validation set: counts 0, no stats, no crash; NaN batch times stay out of stats', () => {
    const lines: string[] = [];
    const cb = new PerformanceProfilerCallback({ verbose: true, profileMemory: false, print: (l) => lines.push(l) });
    const run = fakeRun();
    cb.onValidationEpochStart(run, { stage: 'validate', epoch: 0 });
    cb.onValidationEpochEnd(run, { stage: 'validate', epoch: 0, numBatches: 0, numSamples: 0, durationMs: 0, metrics: {} });
    const m = run.logger.records[0]!.metrics;
    expect(Object.keys(m).sort()).toEqual(['performance/val_epoch_time', 'performance/val_num_batches']);
    expect(m['performance/val_num_batches']).toBe(0);
    expect(lines[0]).toContain('Batch times: no validation batches');

    cb.onValidationEpochStart(run, { stage: 'validate', epoch: 1 });
    cb.onValidationBatchEnd(run, batchEnd('validate', 1, { stepMs: 50 }));
    cb.onValidationEpochEnd(run, { stage: 'validate', epoch: 1, numBatches: 1, numSamples: 4, durationMs: 0, metrics: {} });
    expect(run.logger.last('performance/val_batch_mean')).toBeCloseTo(0.05, 12);
  });

  test('enabled:false is skipped by the runner; bad options name the key', () => {
    const cb = new PerformanceProfilerCallback({ enabled: false });
    expect(new CallbackRunner([cb]).has('onValidationBatchEnd')).toBe(false);
    expect(() => new PerformanceProfilerCallback({ logInterval: -1 })).toThrow(
      /callbacks\.performanceProfiler\.logInterval: got -1, expected number to be >=0/,
    );
    expect(() => new PerformanceProfilerCallback({ verbos: true } as never)).toThrow(/unknown key "verbos"/);
  });

  test('with the Trainer on the tiny model', async () => {
    await cpu();
    const model = tinyModel();
    const mem = new MemoryLogger();
    const cb = new PerformanceProfilerCallback({ tf, logInterval: 1 });
    await new Trainer({ maxEpochs: 2, callbacks: [cb], loggers: [mem], tf }).fit({
      model,
      loss: (y, p) => tf.losses.meanSquaredError(y as tf.Tensor, p as tf.Tensor) as tf.Scalar,
      optimizer: tf.train.sgd(0.1),
      trainData: () => batches(2),
      valData: () => batches(3),
    });
    expect(mem.series('performance/val_num_batches')).toEqual([
      [2, 3],
      [4, 3],
    ]);
    expect(mem.series('performance/val_batch_time')).toHaveLength(6);
    expect(mem.last('performance/val_batch_mean')).toBeGreaterThan(0);
    // The trainer keeps one running sum tensor for val_loss during validation; nothing grows.
    const ends = mem.series('performance/tf_num_tensors_end').map(([, v]) => v);
    const starts = mem.series('performance/tf_num_tensors_start').map(([, v]) => v);
    expect(ends[0]).toBe(ends[1]);
    expect(ends[0]! - starts[0]!).toBe(1);
  });
  test('without a tfjs to load, the tf memory figures are left out (they were logged as NaN)', () => {
    jest.isolateModules(() => {
      jest.doMock('../../src/trainer/tf', () => ({
        ...jest.requireActual('../../src/trainer/tf'),
        loadTf: () => {
          throw new Error('Cannot find module @tensorflow/tfjs');
        },
      }));
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { PerformanceProfilerCallback: Profiler } = require('../../src/callbacks/performance_profiler');
      const lines: string[] = [];
      const cb = new Profiler({ verbose: true, print: (l: string) => lines.push(l) });
      const run = fakeRun();
      cb.onValidationEpochStart(run, { stage: 'validate', epoch: 0 });
      cb.onValidationBatchEnd(run, batchEnd('validate', 0, { stepMs: 10 }));
      cb.onValidationEpochEnd(run, { stage: 'validate', epoch: 0, numBatches: 1, numSamples: 1, durationMs: 1, metrics: {} });
      const m = run.logger.records.at(-1)!.metrics;
      expect(Object.keys(m).filter((k) => k.includes('tf_'))).toEqual([]);
      for (const [k, v] of Object.entries(m)) expect([k, Number.isFinite(v)]).toEqual([k, true]);
      expect(m['performance/rss_mb_end']).toBeGreaterThan(0);
      expect(lines.join('\n')).not.toContain('tf memory');
    });
  });
});
