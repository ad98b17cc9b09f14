/**
 * End to end on the tiny model: the Trainer with every built-in callback and every sink (console,
 * JSONL, TensorBoard, MLflow against the local fake server, memory); then the same callbacks
 * under tfjs fitDataset through the adapter. Checks that each sink received the callbacks'
 * metrics.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PerformanceProfilerCallback } from '../../src/callbacks/performance_profiler';
import { toTfjsCallbacks } from '../../src/callbacks/tfjs_adapter';
import { ThroughputMonitorCallback } from '../../src/callbacks/throughput_monitor';
import { ConsoleLogger } from '../../src/loggers/console';
import { JsonlLogger } from '../../src/loggers/jsonl';
import { MemoryLogger } from '../../src/loggers/memory';
import { MlflowLogger } from '../../src/loggers/mlflow';
import { TensorBoardLogger } from '../../src/loggers/tensorboard/writer';
import { DataLoader } from '../../src/trainer/data_loader';
import { Trainer } from '../../src/trainer/trainer';
import { type FakeMlflow, startFakeMlflow } from '../loggers/mlflow_server';
import { decodeEvent, readRecords } from '../loggers/tb_reader';
import { makeTempDir } from '../tmp-dir';
import { batches, cpu, tf, tinyModel } from '../trainer/tiny';

let server: FakeMlflow;
beforeAll(async () => {
  await cpu();
  server = await startFakeMlflow();
});
afterAll(async () => {
  await server.close();
});

test('Trainer + all callbacks + all sinks', async () => {
  const dir = makeTempDir('int');
  const lines: string[] = [];
  const print = (l: string) => lines.push(l);
  const mem = new MemoryLogger();
  const tb = new TensorBoardLogger({ logDir: path.join(dir, 'tb') });
  const jsonl = new JsonlLogger({ path: path.join(dir, 'm.jsonl') });
  const mlflow = new MlflowLogger({ trackingUri: server.url, experimentName: 'int', flushIntervalMs: 0 });
  const model = tinyModel();
  const loader = new DataLoader({ source: () => batches(4), prefetch: 1 });
  await new Trainer({
    maxEpochs: 2,
    logEveryNSteps: 2,
    tf,
    callbacks: [
      new PerformanceProfilerCallback({ tf, logInterval: 1, verbose: true, print }),
      new ThroughputMonitorCallback({ cache: { stats: () => ({ bytes: 3 * 1024 * 1024 }) }, print }),
    ],
    loggers: [new ConsoleLogger({ print }), jsonl, tb, mlflow, mem],
  }).fit({
    model,
    loss: (y, p) => tf.losses.meanSquaredError(y as tf.Tensor, p as tf.Tensor) as tf.Scalar,
    optimizer: tf.train.sgd(0.05),
    trainData: loader,
    valData: () => batches(2),
    params: { lr: 0.05 },
  });

  const keys = new Set(mem.records.flatMap((r) => Object.keys(r.metrics)));
  for (const k of [
    'train/loss',
    'train/loss_epoch',
    'val/loss',
    'performance/val_batch_mean',
    'performance/val_batch_p99',
    'performance/rss_mb_end',
    'throughput/samples_per_second',
    'throughput/batch_load_time_ms_p95',
    'throughput/throughput_efficiency',
    'throughput/memory_cache_mb',
  ]) {
    expect(keys).toContain(k);
  }
  expect(mem.series('throughput/samples_per_second')).toHaveLength(2);
  expect(mem.last('throughput/memory_cache_mb')).toBe(3);

  // TensorBoard: every logged record is in the file, CRCs check out.
  const events = readRecords(tb.file).map(decodeEvent);
  expect(events[0]!.fileVersion).toBe('brain.Event:2');
  expect(events.length - 1).toBe(mem.records.length);
  const tbTags = new Set(events.flatMap((e) => e.values.map((v) => v.tag)));
  expect(tbTags).toEqual(keys);

  // JSONL: one line per record.
  const jl = fs.readFileSync(jsonl.path, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  expect(jl.filter((o) => o.metrics)).toHaveLength(mem.records.length);
  expect(jl[0].params).toEqual({ lr: 0.05 });

  // MLflow: all metrics arrived, the run is finished, params logged.
  const run = server.runs.get(mlflow.runId!)!;
  expect(run.status).toBe('FINISHED');
  expect(run.params).toEqual({ lr: '0.05' });
  expect(run.metrics).toHaveLength(mem.records.reduce((n, r) => n + Object.keys(r.metrics).length, 0));

  // Console: the seed blocks were printed.
  expect(lines.filter((l) => l.startsWith('[Throughput] Epoch '))).toHaveLength(2);
  expect(lines.filter((l) => l.includes('=== Validation Performance Summary ==='))).toHaveLength(2);
  expect(lines.some((l) => l.startsWith('[metrics] step 2: train/loss='))).toBe(true);
});

test('fitDataset + adapter + the same callbacks', async () => {
  const mem = new MemoryLogger();
  const adapter = toTfjsCallbacks(
    [
      new PerformanceProfilerCallback({ tf, logInterval: 0 }),
      new ThroughputMonitorCallback({ verbose: false }),
    ],
    { tf, loggers: [mem] },
  );
  const model = tinyModel();
  model.compile({ optimizer: tf.train.sgd(0.05), loss: 'meanSquaredError' });
  const xs = tf.randomUniform([12, 2]);
  const ys = tf.randomUniform([12, 1]);
  const ds = (n: number) =>
    tf.data
      .zip({ xs: tf.data.array(tf.unstack(xs.slice(0, n))), ys: tf.data.array(tf.unstack(ys.slice(0, n))) })
      .batch(4) as unknown as tf.data.Dataset<tf.TensorContainer>;
  await adapter.watch(
    model.fitDataset(ds(12), { epochs: 2, validationData: adapter.wrapValidation(ds(8)), callbacks: adapter.callbacks as never, verbose: 0 }),
  );
  expect(mem.series('performance/val_num_batches').map(([, v]) => v)).toEqual([2, 2]);
  expect(mem.series('throughput/samples_per_second')).toHaveLength(2);
  expect(mem.last('throughput/batch_load_time_ms_avg')).toBeUndefined(); // not measurable under fit
  expect(mem.last('throughput/throughput_efficiency')).toBeGreaterThan(0);
  expect(mem.series('val/loss')).toHaveLength(2);
  tf.dispose([xs, ys]);
});
