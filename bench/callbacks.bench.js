// Overhead of the training callbacks on a tiny tfjs training loop (pure-JS cpu backend).
//
// Targets (issue 7): hook time < 30 µs per batch and < 1% of step time, with every built-in
// callback and file logger on. Three views:
//   1. hook cost alone: CallbackRunner train + validation batch hooks with all callbacks;
//   2. the tfjs adapter's own per-batch work (onBatchBegin + onBatchEnd);
//   3. a whole Trainer epoch on a tiny dense model with and without the callbacks (per batch),
//      from which the overhead % of step time is reported as a metric.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const tf = require('@tensorflow/tfjs');
const {
  CallbackRunner,
  PerformanceProfilerCallback,
  ThroughputMonitorCallback,
  StepProfilerCallback,
  toTfjsCallbacks,
  Trainer,
  JsonlLogger,
  TensorBoardLogger,
  LoggerGroup,
} = require('../dist');

function allCallbacks() {
  return [
    new PerformanceProfilerCallback({ tf, logInterval: 10, verbose: false }),
    new ThroughputMonitorCallback({ verbose: false, cache: { stats: () => ({ bytes: 1 << 20 }) } }),
    // Records every step (activeSteps 0); capped so long benchmark loops do not grow memory.
    new StepProfilerCallback({ verbose: false, warmupSteps: 0, maxEvents: 100000 }),
  ];
}

module.exports = async function callbacksBench(h) {
  tf.env().set('IS_TEST', true); // mute the "use tfjs-node" banner
  await tf.setBackend('cpu');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opk-bench-cb-'));
  const sinks = () => [
    new JsonlLogger({ path: path.join(dir, 'm.jsonl') }),
    new TensorBoardLogger({ logDir: path.join(dir, 'tb'), filenameSuffix: `.${Math.random()}` }),
  ];

  // 1. Hooks alone.
  h.group('Callback hooks per batch (all callbacks on)', {
    unit: 'batch',
    note: 'CallbackRunner calling onXBatchStart + onXBatchEnd on PerformanceProfiler + ThroughputMonitor (JSONL + TensorBoard sinks). Target < 30 µs.',
  });
  const logger = new LoggerGroup(sinks());
  const run = { source: 'trainer', stage: 'train', epoch: 0, globalStep: 0, maxEpochs: 1, shouldStop: false, logger, startedAt: 0 };
  const runner = new CallbackRunner(allCallbacks());
  const empty = new CallbackRunner([]);
  runner.call('onTrainStart', run);
  runner.call('onTrainEpochStart', run, { stage: 'train', epoch: 0 });
  runner.call('onValidationEpochStart', run, { stage: 'validate', epoch: 0 });
  const N = 1000;
  const timing = { dataWaitMs: 0.2, loadMs: 1.5, transformMs: 2.5, stepMs: 10 };
  const trainBatches = (r) => () => {
    for (let i = 0; i < N; i++) {
      const ctx = { stage: 'train', epoch: 0, batchIdx: i, size: 8, batch: undefined };
      r.call('onTrainBatchStart', run, ctx);
      run.globalStep++;
      r.call('onTrainBatchEnd', run, { stage: 'train', epoch: 0, batchIdx: i, size: 8, batch: undefined, outputs: undefined, timing });
    }
  };
  const valBatches = (r) => () => {
    for (let i = 0; i < N; i++) {
      const ctx = { stage: 'validate', epoch: 0, batchIdx: i, size: 8, batch: undefined };
      r.call('onValidationBatchStart', run, ctx);
      r.call('onValidationBatchEnd', run, { stage: 'validate', epoch: 0, batchIdx: i, size: 8, batch: undefined, outputs: undefined, timing });
    }
  };
  const noHooks = await h.case('train batch, no callbacks', trainBatches(empty), { items: N, baseline: true, peer: 'none' });
  const trainHooks = await h.case('train batch, all callbacks', trainBatches(runner), { items: N });
  const valHooks = await h.case('validation batch, all callbacks', valBatches(runner), { items: N });
  // Keep the buffers bounded between samples.
  runner.call('onValidationEpochEnd', run, { stage: 'validate', epoch: 0, numBatches: 0, numSamples: 0, durationMs: 1, metrics: {} });

  // 2. The tfjs adapter's own work per batch.
  h.group('tfjs adapter per batch', { unit: 'batch', note: 'onBatchBegin + onBatchEnd as tfjs calls them, all callbacks on.' });
  const adapter = toTfjsCallbacks(allCallbacks(), { tf, loggers: sinks() });
  await adapter.onTrainBegin();
  await adapter.onEpochBegin(0);
  const logs = { batch: 0, size: 8 };
  await h.case(
    'adapter onBatchBegin+onBatchEnd',
    async () => {
      for (let i = 0; i < N; i++) {
        await adapter.onBatchBegin(i, logs);
        await adapter.onBatchEnd(i, logs);
      }
    },
    { items: N },
  );

  // 3. A real (tiny) training loop.
  h.group('Trainer epoch on a tiny dense model (tfjs cpu)', {
    unit: 'batch',
    note: 'Dense(16)->Dense(1) on 32x8 batches, SGD; 64 batches per epoch, data pre-made.',
  });
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 16, inputShape: [8], activation: 'relu' }));
  model.add(tf.layers.dense({ units: 1 }));
  const opt = tf.train.sgd(0.01);
  const B = 64;
  const data = [];
  for (let i = 0; i < B; i++) {
    const xs = tf.randomUniform([32, 8]);
    data.push({ xs, ys: xs.sum(1, true) });
  }
  const args = {
    model,
    optimizer: opt,
    loss: (y, p) => tf.losses.meanSquaredError(y, p),
    trainData: data,
  };
  const bare = new Trainer({ tf, disposeBatches: false, logEveryNSteps: 1000 });
  const withCbs = () =>
    new Trainer({ tf, disposeBatches: false, logEveryNSteps: 1000, callbacks: allCallbacks(), loggers: sinks() });
  const base = await h.case('Trainer, no callbacks', () => bare.fit(args), { items: B, baseline: true, peer: 'none' });
  const full = await h.case('Trainer, all callbacks + JSONL + TensorBoard', () => withCbs().fit(args), { items: B });

  const hookNs = trainHooks.p50Ns - noHooks.p50Ns;
  h.metric('hook time per train batch (all callbacks)', (trainHooks.p50Ns / 1e3).toFixed(2), 'µs', 'target < 30 µs');
  h.metric('hook time per validation batch (all callbacks)', (valHooks.p50Ns / 1e3).toFixed(2), 'µs', 'target < 30 µs');
  h.metric('tiny-model step time per batch', (base.p50Ns / 1e3).toFixed(1), 'µs', 'Trainer, no callbacks, p50');
  h.metric(
    'hook time / step time',
    ((trainHooks.p50Ns / base.p50Ns) * 100).toFixed(3),
    '%',
    `target < 1% (hooks alone; runner floor ${(noHooks.p50Ns).toFixed(0)} ns, net ${(hookNs / 1e3).toFixed(2)} µs)`,
  );
  h.metric(
    'end-to-end overhead, Trainer with vs without callbacks (separate mitata runs)',
    (((full.p50Ns - base.p50Ns) / base.p50Ns) * 100).toFixed(2),
    '%',
    'p50 vs p50; at the mercy of machine load between the two runs',
  );
  // Paired runs: the same two trainers (sinks opened once, closeLoggers: false) alternate in a
  // random order; process CPU time (all threads, so file writes count) per epoch; median and
  // quartiles of the per-pair ratios. Less sensitive to other processes than wall time, but on
  // a loaded machine the quartiles stay wide: the hook figures above are the precise ones.
  const pairs = h.quick ? 7 : 31;
  const bareT = new Trainer({ tf, disposeBatches: false, logEveryNSteps: 1000, closeLoggers: false });
  const fullT = new Trainer({
    tf,
    disposeBatches: false,
    logEveryNSteps: 1000,
    closeLoggers: false,
    callbacks: allCallbacks(),
    loggers: sinks(),
  });
  const cpuOf = async (tr) => {
    const c0 = process.cpuUsage();
    await tr.fit(args);
    const c = process.cpuUsage(c0);
    return c.user + c.system;
  };
  // The same pairing with two identical bare trainers (A/A control) shows the noise floor.
  const bareT2 = new Trainer({ tf, disposeBatches: false, logEveryNSteps: 1000, closeLoggers: false });
  const paired = async (a, b) => {
    const ratios = [];
    for (let i = 0; i < pairs; i++) {
      let ta;
      let tb;
      if (Math.random() < 0.5) {
        tb = await cpuOf(b);
        ta = await cpuOf(a);
      } else {
        ta = await cpuOf(a);
        tb = await cpuOf(b);
      }
      ratios.push(ta / tb);
    }
    ratios.sort((x, y) => x - y);
    const q = (p) => ratios[Math.min(ratios.length - 1, Math.floor(p * ratios.length))];
    return { med: (q(0.5) - 1) * 100, q1: (q(0.25) - 1) * 100, q3: (q(0.75) - 1) * 100 };
  };
  const ab = await paired(fullT, bareT);
  const aa = await paired(bareT2, bareT);
  h.metric(
    'end-to-end overhead, paired epochs, CPU time (median)',
    ab.med.toFixed(2),
    '%',
    `${pairs} random-order pairs of 64-batch epochs; quartiles ${ab.q1.toFixed(1)}% .. ${ab.q3.toFixed(1)}%`,
  );
  h.metric(
    'A/A control: identical bare trainers, same pairing (median)',
    aa.med.toFixed(2),
    '%',
    `quartiles ${aa.q1.toFixed(1)}% .. ${aa.q3.toFixed(1)}%: the noise floor of the figure above`,
  );

  // 4. The Trainer's own loop against a hand-written tfjs loop doing the same work.
  h.group('Trainer loop vs a hand-written loop (tiny model)', {
    unit: 'batch',
    note: 'Same model, optimizer and batches; the hand-written loop is optimizer.minimize + dispose per batch.',
  });
  await h.case(
    'hand-written loop',
    () => {
      for (const b of data) tf.dispose(opt.minimize(() => tf.losses.meanSquaredError(b.ys, model.apply(b.xs, { training: true })), true));
    },
    { items: B, baseline: true, peer: 'tfjs' },
  );
  await h.case('Trainer.fit, no callbacks', () => bare.fit(args), { items: B });

  // 5. model.fitDataset: tfjs plain callback objects vs the adapter's tf.Callback subclass.
  h.group('model.fitDataset per batch: callback styles', {
    unit: 'batch',
    note: 'A plain { onBatchEnd } object makes tfjs read the batch logs (loss) every batch; the adapter with options.tf does not.',
  });
  const compiled = tf.sequential();
  compiled.add(tf.layers.dense({ units: 16, inputShape: [8], activation: 'relu' }));
  compiled.add(tf.layers.dense({ units: 1 }));
  compiled.compile({ optimizer: tf.train.sgd(0.01), loss: 'meanSquaredError' });
  const ds = tf.data.array(data).map((b) => ({ xs: b.xs, ys: b.ys }));
  const fitWith = (callbacks) => () => compiled.fitDataset(ds, { epochs: 1, verbose: 0, callbacks });
  await h.case('fitDataset, no callbacks', fitWith(undefined), { items: B, peer: 'tfjs' });
  await h.case('fitDataset, plain { onBatchEnd } object', fitWith({ onBatchEnd: () => undefined }), {
    items: B,
    baseline: true,
    peer: 'tfjs',
  });
  await h.case(
    'fitDataset, toTfjsCallbacks(all, { tf })',
    () => {
      const a = toTfjsCallbacks(allCallbacks(), { tf });
      return compiled.fitDataset(ds, { epochs: 1, verbose: 0, callbacks: a.callbacks });
    },
    { items: B },
  );

  tf.dispose(data);
  fs.rmSync(dir, { recursive: true, force: true });
};
