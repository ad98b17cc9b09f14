import type { Callback, HookName } from '../../src/callbacks/protocol';
import { toTfjsCallbacks } from '../../src/callbacks/tfjs_adapter';
import { MemoryLogger } from '../../src/loggers/memory';
import { cpu, tf, tinyModel } from '../trainer/tiny';

beforeAll(cpu);

const HOOKS: HookName[] = [
  'onTrainStart',
  'onTrainEnd',
  'onTrainEpochStart',
  'onTrainEpochEnd',
  'onTrainBatchStart',
  'onTrainBatchEnd',
  'onValidationEpochStart',
  'onValidationEpochEnd',
  'onValidationBatchStart',
  'onValidationBatchEnd',
  'onException',
];

interface Seen {
  seen: string[];
  outputs: unknown[];
  valSizes: Array<number | undefined>;
  valEnds: Array<{ numBatches: number; numSamples: number }>;
  epochMetrics: Array<Record<string, number>>;
  stepMs: number[];
}
function recorder(): Callback & Seen {
  const rec: Seen = { seen: [], outputs: [], valSizes: [], valEnds: [], epochMetrics: [], stepMs: [] };
  const cb = rec as unknown as Record<string, unknown>;
  for (const h of HOOKS) {
    cb[h] = (_run: unknown, ctx?: Record<string, unknown>) => {
      rec.seen.push(ctx && typeof ctx.batchIdx === 'number' ? `${h}:${ctx.epoch}.${ctx.batchIdx}` : h);
      if (h === 'onTrainBatchEnd') rec.outputs.push(ctx!.outputs);
      if (h === 'onValidationBatchStart') rec.valSizes.push(ctx!.size as number | undefined);
      if (h === 'onValidationBatchEnd') rec.stepMs.push((ctx!.timing as { stepMs: number }).stepMs);
      if (h === 'onValidationEpochEnd') rec.valEnds.push(ctx as never);
      if (h === 'onTrainEpochEnd') rec.epochMetrics.push(ctx!.metrics as Record<string, number>);
    };
  }
  return rec as Callback & Seen;
}

function data(n: number, batch: number) {
  const xs = tf.randomUniform([n, 2], -1, 1, 'float32', 7);
  const ys = xs.matMul(tf.tensor2d([[1], [2]]));
  const ds = tf.data.zip({ xs: tf.data.array(tf.unstack(xs)), ys: tf.data.array(tf.unstack(ys)) }).batch(batch);
  return ds as unknown as tf.data.Dataset<tf.TensorContainer>;
}

function compiled() {
  const m = tinyModel();
  m.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
  return m;
}

function expectedEpoch(e: number, nTrain: number, nVal: number): string[] {
  const out = ['onTrainEpochStart'];
  for (let i = 0; i < nTrain; i++) out.push(`onTrainBatchStart:${e}.${i}`, `onTrainBatchEnd:${e}.${i}`);
  out.push('onValidationEpochStart');
  for (let i = 0; i < nVal; i++) out.push(`onValidationBatchStart:${e}.${i}`, `onValidationBatchEnd:${e}.${i}`);
  out.push('onValidationEpochEnd', 'onTrainEpochEnd');
  return out;
}

describe('toTfjsCallbacks with fitDataset', () => {
  test('plain objects: hook order, counts, validation batch sizes and epoch metrics', async () => {
    const rec = recorder();
    const mem = new MemoryLogger();
    const adapter = toTfjsCallbacks([rec], { loggers: [mem], maxEpochs: 2 });
    const model = compiled();
    await adapter.watch(
      model.fitDataset(data(12, 4), {
        epochs: 2,
        validationData: adapter.wrapValidation(data(6, 4)),
        callbacks: adapter.callbacks as never,
        verbose: 0,
      }),
    );
    expect(rec.seen).toEqual(['onTrainStart', ...expectedEpoch(0, 3, 2), ...expectedEpoch(1, 3, 2), 'onTrainEnd']);
    expect(rec.valSizes).toEqual([4, 2, 4, 2]);
    expect(rec.valEnds.map((v) => [v.numBatches, v.numSamples])).toEqual([
      [2, 6],
      [2, 6],
    ]);
    expect(Object.keys(rec.epochMetrics[0]!).sort()).toEqual(['loss', 'val_loss']);
    expect(Number.isFinite(rec.epochMetrics[1]!.val_loss)).toBe(true);
    expect(adapter.run.globalStep).toBe(6);
    for (const ms of rec.stepMs) expect(ms).toBeGreaterThan(0);
    // CustomCallback resolved the loss tensors to numbers before our hook.
    expect(typeof (rec.outputs[0] as { loss: unknown }).loss).toBe('number');
    expect(mem.series('val/loss')).toHaveLength(2);
    expect(mem.closed).toBe(true);
  });

  test('with options.tf: a tf.Callback subclass that sees unresolved tensors (no per-batch read)', async () => {
    const rec = recorder();
    const adapter = toTfjsCallbacks([rec], { tf });
    expect(Array.isArray(adapter.callbacks)).toBe(true);
    expect((adapter.callbacks as object[])[0]).toBeInstanceOf(tf.Callback);
    const model = compiled();
    await model.fitDataset(data(8, 4), {
      epochs: 1,
      validationData: adapter.wrapValidation(data(4, 4)),
      callbacks: adapter.callbacks as never,
      verbose: 0,
    });
    expect(rec.seen).toEqual(['onTrainStart', ...expectedEpoch(0, 2, 1), 'onTrainEnd']);
    const loss = (rec.outputs[0] as { loss: unknown }).loss;
    expect(typeof loss).toBe('object');
    // Epoch logs are read once per epoch.
    expect(typeof rec.epochMetrics[0]!.val_loss).toBe('number');
  });

  test('validationBatches stops early: the last validation batch ends at epoch end', async () => {
    const rec = recorder();
    const adapter = toTfjsCallbacks([rec], { tf });
    const model = compiled();
    await model.fitDataset(data(4, 4), {
      epochs: 1,
      validationData: adapter.wrapValidation(data(12, 4)),
      validationBatches: 2,
      callbacks: adapter.callbacks as never,
      verbose: 0,
    });
    expect(rec.seen).toEqual(['onTrainStart', ...expectedEpoch(0, 1, 2), 'onTrainEnd']);
  });

  test('fit with tensors: training hooks only; watch() reports a failing fit', async () => {
    const rec = recorder();
    const adapter = toTfjsCallbacks([rec]);
    const model = compiled();
    const xs = tf.randomUniform([10, 2]);
    const ys = tf.randomUniform([10, 1]);
    await adapter.watch(model.fit(xs, ys, { epochs: 1, batchSize: 4, callbacks: adapter as never, verbose: 0 }));
    expect(rec.seen.filter((s) => s.startsWith('onTrainBatchEnd'))).toHaveLength(3);
    expect(rec.seen.some((s) => s.startsWith('onValidation'))).toBe(false);
    expect(rec.seen.at(-1)).toBe('onTrainEnd');

    const failing = recorder();
    const a2 = toTfjsCallbacks([failing]);
    const bad = tf.randomUniform([10, 3]); // wrong input width
    await expect(a2.watch(model.fit(bad, ys, { epochs: 1, callbacks: a2.callbacks as never, verbose: 0 }))).rejects.toThrow();
    expect(failing.seen.slice(-2)).toEqual(['onException', 'onTrainEnd']);
    tf.dispose([xs, ys, bad]);
  });
});

describe('toTfjsCallbacks options', () => {
  test('are validated: unknown keys, wrong types and a tf without Callback are typed errors naming the key', () => {
    expect(() => toTfjsCallbacks([], { maxEpochs: 0 })).toThrow(/tfjsAdapter\.maxEpochs: got 0/);
    expect(() => toTfjsCallbacks([], { resolveEpochLogs: 'yes' as never })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_CONFIG' }),
    );
    expect(() => toTfjsCallbacks([], { epochs: 3 } as never)).toThrow(/tfjsAdapter/);
    expect(() => toTfjsCallbacks([], null as never)).toThrow(/invalid config: tfjsAdapter: got null, expected object/);
    expect(() => toTfjsCallbacks([], { tf: {} as never })).toThrow(/options\.tf must be your tfjs namespace/);
    expect(() => toTfjsCallbacks([], { report: 1 as never })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    expect(() => toTfjsCallbacks(5 as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    expect(toTfjsCallbacks([], { maxEpochs: 3, closeLoggers: false, tf }).run.maxEpochs).toBe(3);
  });
});

describe('run.shouldStop under model.fit', () => {
  const stopAt = (step: number): Callback & { batches: number } => {
    const cb = {
      batches: 0,
      onTrainBatchEnd(run: { shouldStop: boolean; globalStep: number }) {
        cb.batches++;
        if (run.globalStep === step) run.shouldStop = true;
      },
    };
    return cb as unknown as Callback & { batches: number };
  };

  test.each(['tf option (tfjs hands the model to the tf.Callback subclass)', 'model option, plain callbacks'])(
    'a callback setting shouldStop ends model.fit after that batch: %s',
    async (how) => {
      const cb = stopAt(2);
      const model = compiled();
      const adapter = how.startsWith('tf') ? toTfjsCallbacks([cb], { tf }) : toTfjsCallbacks([cb], { model });
      const xs = tf.randomUniform([10, 2]);
      const ys = tf.randomUniform([10, 1]);
      // 5 batches per epoch, 4 epochs: 20 batches unless stopped.
      const h = await adapter.watch(model.fit(xs, ys, { epochs: 4, batchSize: 2, callbacks: adapter.callbacks as never, verbose: 0 }));
      expect(cb.batches).toBe(2);
      expect(h.epoch).toEqual([0]);
      tf.dispose([xs, ys]);
    },
  );

  test('without a way to reach the model, one warning says so and training goes on', async () => {
    const cb = stopAt(1);
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const adapter = toTfjsCallbacks([cb]);
      const model = compiled();
      const xs = tf.randomUniform([4, 2]);
      const ys = tf.randomUniform([4, 1]);
      await adapter.watch(model.fit(xs, ys, { epochs: 2, batchSize: 2, callbacks: adapter.callbacks as never, verbose: 0 }));
      expect(cb.batches).toBe(4);
      expect(warn.mock.calls.map((c) => String(c[0])).filter((m) => m.includes('cannot stop model.fit'))).toHaveLength(1);
      tf.dispose([xs, ys]);
    } finally {
      warn.mockRestore();
    }
    expect(() => toTfjsCallbacks([], { model: {} as never })).toThrow(/options\.model must be the tf\.LayersModel being fit/);
  });
});
