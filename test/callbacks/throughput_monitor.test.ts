import { CallbackRunner } from '../../src/callbacks/protocol';
import { ThroughputMonitorCallback } from '../../src/callbacks/throughput_monitor';
import { MemoryLogger } from '../../src/loggers/memory';
import { DataLoader } from '../../src/trainer/data_loader';
import { Trainer } from '../../src/trainer/trainer';
import { batchEnd, fakeRun } from './helpers';

const MB = 1024 * 1024;

describe('ThroughputMonitorCallback', () => {
  test('per-epoch figures against hand-computed values and the seed console block', () => {
    const lines: string[] = [];
    const cb = new ThroughputMonitorCallback({
      cache: { stats: () => ({ bytes: 340 * MB }) },
      datasetBytes: () => 1250 * MB,
      print: (l) => lines.push(l),
    });
    const run = fakeRun();
    cb.onTrainEpochStart(run, { stage: 'train', epoch: 0 });
    for (let i = 0; i < 10; i++) {
      cb.onTrainBatchEnd(run, batchEnd('train', i, {
          loadMs: i + 1,
          transformMs: 2 * (i + 1),
          transformWallMs: 3 * (i + 1),
          dataWaitMs: i < 5 ? 0 : 3,
          stepMs: 10,
        }));
    }
    cb.onTrainEpochEnd(run, { stage: 'train', epoch: 0, numBatches: 10, numSamples: 40, durationMs: 2000, metrics: {} });
    const r = cb.lastReport!;
    expect(r.samples_per_second).toBe(20);
    expect(r.batches_per_second).toBe(5);
    expect(r.batch_load_time_ms_avg).toBe(5.5);
    expect(r.batch_load_time_ms_p50).toBe(5.5);
    expect(r.batch_load_time_ms_p95).toBeCloseTo(9.55, 12);
    expect(r.batch_load_time_ms_p99).toBeCloseTo(9.91, 12);
    expect(r.batch_transform_time_ms_avg).toBe(11);
    expect(r.batch_transform_time_ms_p95).toBeCloseTo(19.1, 12);
    expect(r.batch_transform_wall_ms_avg).toBe(16.5);
    expect(r.batch_transform_wall_ms_p95).toBeCloseTo(28.65, 12);
    expect(r.data_wait_ms_avg).toBe(1.5);
    expect(r.step_time_ms_avg).toBe(10);
    // 100 ms of steps, 15 ms of waiting.
    expect(r.throughput_efficiency).toBeCloseTo((100 / 115) * 100, 12);
    expect(r.memory_cache_mb).toBe(340);
    expect(r.memory_dataset_mb).toBe(1250);
    expect(r.memory_peak_mb).toBeGreaterThan(1);
    expect(run.logger.last('throughput/samples_per_second')).toBe(20);
    const peak = r.memory_peak_mb!.toFixed(0);
    expect(lines[0]).toBe(
      [
        '[Throughput] Epoch 1:',
        '  Samples/sec: 20.0',
        '  Batches/sec: 5.0',
        '  Avg batch load: 5.5ms (p95: 9.6ms)',
        '  Avg batch transform: 11.0ms (p95: 19.1ms), wall 16.5ms incl. waiting',
        '  Avg data wait: 1.5ms (p95: 3.0ms)',
        '  Memory (dataset): 1250 MB',
        '  Memory (cache): 340 MB',
        `  Memory (peak): ${peak} MB`,
        '  Efficiency: 87.0% (of theoretical max)',
      ].join('\n'),
    );
  });

  test('unknown timings (model.fit) print n/a; logInterval skips epochs', () => {
    const lines: string[] = [];
    const cb = new ThroughputMonitorCallback({ logInterval: 2, trackMemory: false, print: (l) => lines.push(l) });
    const run = fakeRun();
    for (let e = 0; e < 4; e++) {
      cb.onTrainEpochStart(run, { stage: 'train', epoch: e });
      cb.onTrainBatchEnd(run, batchEnd('train', 0, { dataWaitMs: 1, stepMs: 3 }));
      cb.onTrainEpochEnd(run, { stage: 'train', epoch: e, numBatches: 1, numSamples: 4, durationMs: 4, metrics: {} });
    }
    expect(lines).toHaveLength(2);
    expect(lines[0]!.split('\n')).toEqual([
      '[Throughput] Epoch 2:',
      '  Samples/sec: 1000.0',
      '  Batches/sec: 250.0',
      '  Avg batch load: n/a (p95: n/a)',
      '  Avg batch transform: n/a (p95: n/a)',
      '  Avg data wait: 1.0ms (p95: 1.0ms)',
      '  Efficiency: 75.0% (of theoretical max)',
    ]);
    expect(run.logger.series('throughput/samples_per_second').map(([s]) => s)).toEqual([0, 0]);
    expect(cb.lastReport!.batch_load_time_ms_avg).toBeUndefined();
  });

  test('batches of unknown size give n/a samples/sec, not 0', async () => {
    const lines: string[] = [];
    const cb = new ThroughputMonitorCallback({ trackMemory: false, print: (l) => lines.push(l) });
    await new Trainer({ callbacks: [cb], tidy: false, disposeBatches: false }).fit({
      trainData: [{ a: 1 }, { a: 2 }],
      trainStep: () => 1,
    });
    expect(cb.lastReport!.samples_per_second).toBeNaN();
    expect(cb.lastReport!.batches_per_second).toBeGreaterThan(0);
    expect(lines[0]!.split('\n')[1]).toBe('  Samples/sec: n/a');
  });

  test('trackTiming:false + trackMemory:false removes the per-batch hook; enabled:false costs nothing', () => {
    const cb = new ThroughputMonitorCallback({ trackTiming: false, trackMemory: false, verbose: false });
    expect(cb.onTrainBatchEnd).toBeUndefined();
    expect(new CallbackRunner([cb]).has('onTrainBatchEnd')).toBe(false);
    expect(new CallbackRunner([new ThroughputMonitorCallback({ enabled: false })]).has('onTrainEpochEnd')).toBe(false);
    expect(() => new ThroughputMonitorCallback({ logInterval: 0 })).toThrow(
      /callbacks\.throughputMonitor\.logInterval: got 0, expected number to be >=1/,
    );
  });

  test('with the Trainer and a DataLoader with a slow transform', async () => {
    const mem = new MemoryLogger();
    const lines: string[] = [];
    const cb = new ThroughputMonitorCallback({ print: (l) => lines.push(l) });
    const loader = new DataLoader({
      source: [1, 2, 3, 4, 5, 6],
      prefetch: 0,
      transform: async (x: number) => {
        await new Promise((r) => setTimeout(r, 3));
        return x;
      },
      sizeOf: () => 2,
    });
    await new Trainer({ maxEpochs: 2, callbacks: [cb], loggers: [mem], tidy: false, disposeBatches: false }).fit({
      trainData: loader,
      trainStep: (x: number) => x,
    });
    expect(lines).toHaveLength(2);
    const r = cb.lastReport!;
    expect(r.batch_transform_time_ms_avg).toBeGreaterThanOrEqual(2);
    // prefetch 0: the transform sits on the critical path, so the wait is at least the transform.
    expect(r.data_wait_ms_avg).toBeGreaterThanOrEqual(r.batch_transform_time_ms_avg! * 0.9);
    expect(r.throughput_efficiency).toBeLessThan(50);
    expect(r.samples_per_second).toBeGreaterThan(0);
    expect(mem.series('throughput/batches_per_second')).toHaveLength(2);
  });
});
