import type { Callback, HookName } from '../../src/callbacks/protocol';
import { MemoryLogger } from '../../src/loggers/memory';
import { Trainer } from '../../src/trainer/trainer';
import { batches, cpu, tf, tinyModel } from './tiny';

beforeAll(cpu);

function recorder(): Callback & { seen: string[] } {
  const seen: string[] = [];
  const cb = { seen } as Callback & { seen: string[] };
  const hooks: HookName[] = [
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
  for (const h of hooks) {
    (cb as unknown as Record<string, unknown>)[h] = (_run: unknown, ctx?: { batchIdx?: number; epoch?: number }) => {
      seen.push(ctx && typeof ctx.batchIdx === 'number' ? `${h}:${ctx.epoch}.${ctx.batchIdx}` : h);
    };
  }
  return cb;
}

function modelArgs(nTrain: number, nVal: number) {
  const model = tinyModel();
  return {
    model,
    loss: (y: unknown, p: unknown) => tf.losses.meanSquaredError(y as tf.Tensor, p as tf.Tensor) as tf.Scalar,
    optimizer: tf.train.sgd(0.1),
    trainData: () => batches(nTrain),
    valData: () => batches(nVal),
  };
}

describe('Trainer', () => {
  test('hook order and counts over two epochs with validation', async () => {
    const rec = recorder();
    const res = await new Trainer({ maxEpochs: 2, callbacks: [rec], tf }).fit(modelArgs(2, 1));
    const epoch = (e: number) => [
      'onTrainEpochStart',
      `onTrainBatchStart:${e}.0`,
      `onTrainBatchEnd:${e}.0`,
      `onTrainBatchStart:${e}.1`,
      `onTrainBatchEnd:${e}.1`,
      'onValidationEpochStart',
      `onValidationBatchStart:${e}.0`,
      `onValidationBatchEnd:${e}.0`,
      'onValidationEpochEnd',
      'onTrainEpochEnd',
    ];
    expect(rec.seen).toEqual(['onTrainStart', ...epoch(0), ...epoch(1), 'onTrainEnd']);
    expect(res.epochs).toBe(2);
    expect(res.globalStep).toBe(4);
    expect(res.history).toHaveLength(2);
    expect(Object.keys(res.history[0]!).sort()).toEqual(['loss', 'val_loss']);
    // The loss goes down on this linear problem.
    expect(res.history[1]!.loss).toBeLessThan(res.history[0]!.loss!);
  });

  test('limits, fastDevRun and an empty validation set', async () => {
    const rec = recorder();
    await new Trainer({ maxEpochs: 1, limitTrainBatches: 2, limitValBatches: 0, callbacks: [rec], tf }).fit(
      modelArgs(5, 3),
    );
    expect(rec.seen.filter((s) => s.startsWith('onTrainBatchEnd'))).toHaveLength(2);
    expect(rec.seen.some((s) => s.startsWith('onValidation'))).toBe(false);

    const fast = recorder();
    const r = await new Trainer({ maxEpochs: 9, fastDevRun: true, callbacks: [fast], tf }).fit(modelArgs(5, 3));
    expect(r.epochs).toBe(1);
    expect(fast.seen.filter((s) => s.startsWith('onTrainBatchEnd'))).toHaveLength(1);
    expect(fast.seen.filter((s) => s.startsWith('onValidationBatchEnd'))).toHaveLength(1);

    const empty = recorder();
    let valEnd: { numBatches: number; numSamples: number } | undefined;
    empty.onValidationEpochEnd = (_r, ctx) => {
      valEnd = ctx;
    };
    const res = await new Trainer({ callbacks: [empty], tf }).fit({ ...modelArgs(1, 0) });
    expect(valEnd).toMatchObject({ numBatches: 0, numSamples: 0 });
    expect(res.history[0]!.val_loss).toBeUndefined();
  });

  test('timings and sizes reach the batch hooks', async () => {
    const timings: Array<{
      size: number | undefined;
      dataWaitMs: number;
      loadMs: number;
      transformMs: number;
      transformWallMs: number;
      stepMs: number;
    }> = [];
    const cb: Callback = {
      onTrainBatchEnd: (_r, ctx) => void timings.push({ size: ctx.size, ...ctx.timing }),
    };
    await new Trainer({ callbacks: [cb], tf }).fit(modelArgs(3, 0));
    expect(timings).toHaveLength(3);
    for (const t of timings) {
      expect(t.size).toBe(4);
      expect(t.stepMs).toBeGreaterThan(0);
      expect(t.dataWaitMs).toBeGreaterThanOrEqual(0);
      expect(t.loadMs).toBeGreaterThan(0);
      expect(t.transformMs).toBe(0);
      expect(t.transformWallMs).toBe(0);
    }
  });

  test('yieldEveryNSteps lets timers run between steps; 0 runs prefetched batches back to back', async () => {
    const runWith = async (yieldEveryNSteps: number) => {
      let steps = 0;
      let firedAfter = -1;
      const trainer = new Trainer({ maxEpochs: 1, tidy: false, disposeBatches: false, yieldEveryNSteps, tf });
      const done = trainer.fit({
        trainData: [1, 2, 3, 4, 5, 6, 7, 8],
        trainStep: (x: number) => {
          const until = performance.now() + 4;
          while (performance.now() < until) {}
          steps++;
          return x;
        },
      });
      setTimeout(() => {
        firedAfter = steps;
      }, 1);
      await done;
      await new Promise((r) => setTimeout(r, 5));
      return firedAfter;
    };
    // Due 1 ms after fit starts: the turn before the first step (when the set-up took that
    // long) or the one after step 1 runs it; with a turn every 2 steps, before step 1 or after 2.
    expect(await runWith(1)).toBeLessThanOrEqual(1);
    expect([0, 2]).toContain(await runWith(2));
    // Never yielding, every step (here the whole fit) runs before the timer does.
    expect(await runWith(0)).toBe(8);
    expect(() => new Trainer({ yieldEveryNSteps: -1 })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_CONFIG' }));
  });

  test('tf.tidy discipline: the tensor count does not grow per step and nothing leaks', async () => {
    const args = modelArgs(6, 2);
    // Build the model's weights before counting.
    tf.dispose(args.model.predict(tf.zeros([1, 2])));
    const before = tf.memory().numTensors;
    const counts: number[] = [];
    const valCounts: number[] = [];
    const cb: Callback = {
      onTrainBatchEnd: () => void counts.push(tf.memory().numTensors),
      onValidationBatchEnd: () => void valCounts.push(tf.memory().numTensors),
    };
    await new Trainer({ maxEpochs: 3, logEveryNSteps: 2, callbacks: [cb], loggers: [new MemoryLogger()], tf }).fit(args);
    expect(counts).toHaveLength(18);
    expect(new Set(counts).size).toBe(1);
    expect(new Set(valCounts).size).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
  });

  test('prefetched batches are disposed when a limit stops the epoch early', async () => {
    const { DataLoader } = await import('../../src/trainer/data_loader');
    const args = modelArgs(0, 0);
    tf.dispose(args.model.predict(tf.zeros([1, 2])));
    const before = tf.memory().numTensors;
    const loader = new DataLoader({ source: () => batches(10), prefetch: 3 });
    await new Trainer({ limitTrainBatches: 2, tf }).fit({ ...args, trainData: loader, valData: undefined });
    expect(tf.memory().numTensors).toBe(before);
  });

  test('logEveryNSteps sends step outputs; epoch means go to the loggers', async () => {
    const mem = new MemoryLogger();
    await new Trainer({ maxEpochs: 2, logEveryNSteps: 2, loggers: [mem], tf }).fit({ ...modelArgs(3, 1), params: { lr: 0.1 } });
    expect(mem.series('train/loss').map(([s]) => s)).toEqual([2, 4, 6]);
    expect(mem.series('train/loss_epoch').map(([s]) => s)).toEqual([3, 6]);
    expect(mem.series('val/loss')).toHaveLength(2);
    expect(mem.params).toEqual({ lr: 0.1 });
    expect(mem.status).toBe('finished');
  });

  test('custom steps returning numbers and named outputs', async () => {
    const res = await new Trainer({ maxEpochs: 1, tidy: false, disposeBatches: false, tf }).fit({
      trainData: [1, 2, 3],
      valData: [10, 20],
      trainStep: (b: number) => ({ loss: b, acc: b * 2 }),
      validationStep: async (b: number) => b,
    });
    expect(res.history[0]).toEqual({ loss: 2, acc: 4, val_loss: 15 });
  });

  test('a failing step triggers onException and onTrainEnd, closes loggers as failed, and rethrows', async () => {
    const rec = recorder();
    let exc: { batchIdx: number | undefined; stage: string } | undefined;
    rec.onException = (_r, ctx) => {
      rec.seen.push('onException');
      exc = ctx;
    };
    const mem = new MemoryLogger();
    const trainer = new Trainer({ callbacks: [rec], loggers: [mem], tf });
    await expect(
      trainer.fit({
        trainData: [1, 2, 3],
        trainStep: (b: number) => {
          if (b === 2) throw new Error('step failed');
          return b;
        },
      }),
    ).rejects.toThrow('step failed');
    expect(exc).toMatchObject({ batchIdx: 1, stage: 'train' });
    expect(rec.seen.slice(-2)).toEqual(['onException', 'onTrainEnd']);
    expect(mem.status).toBe('failed');
  });

  test('a throwing callback is disabled once and training completes; shouldStop ends the run', async () => {
    const reports: string[] = [];
    let calls = 0;
    const bad: Callback = {
      name: 'bad',
      onTrainBatchEnd() {
        calls++;
        throw new Error('oops');
      },
    };
    const stopper: Callback = {
      onTrainBatchEnd(run) {
        if (run.globalStep === 5) run.shouldStop = true;
      },
    };
    const res = await new Trainer({ maxEpochs: 10, callbacks: [bad, stopper], tf, report: (s) => reports.push(s) }).fit({
      trainData: [1, 2, 3],
      trainStep: (b: number) => b,
    });
    expect(calls).toBe(1);
    expect(reports).toEqual(['callback bad.onTrainBatchEnd']);
    expect(res.globalStep).toBe(5);
    expect(res.epochs).toBe(2);
    expect(res.stopped).toBe(true);
  });

  test('validate() runs only the validation hooks and returns the means', async () => {
    const rec = recorder();
    const mem = new MemoryLogger();
    const { model, loss } = modelArgs(0, 0);
    const res = await new Trainer({ callbacks: [rec], loggers: [mem], limitValBatches: 2, tf }).validate({
      model,
      loss,
      valData: () => batches(5),
    });
    expect(rec.seen).toEqual([
      'onValidationEpochStart',
      'onValidationBatchStart:0.0',
      'onValidationBatchEnd:0.0',
      'onValidationBatchStart:0.1',
      'onValidationBatchEnd:0.1',
      'onValidationEpochEnd',
    ]);
    expect(Object.keys(res)).toEqual(['val_loss']);
    expect(mem.last('val/loss')).toBe(res.val_loss);
    await expect(new Trainer({ tf }).validate({ valData: [1] })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
  });

  test('tf.data datasets are read afresh each epoch; a one-shot generator gets a warning', async () => {
    const ds = tf.data.array([1, 2, 3]);
    const seen: number[] = [];
    const res = await new Trainer({ maxEpochs: 2, tidy: false, disposeBatches: false, tf }).fit({
      trainData: ds as never,
      trainStep: (b: number) => {
        seen.push(b);
        return b;
      },
    });
    expect(seen).toEqual([1, 2, 3, 1, 2, 3]);
    expect(res.globalStep).toBe(6);

    const spy = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    function* once() {
      yield 1;
    }
    try {
      await new Trainer({ maxEpochs: 3, tidy: false, tf }).fit({ trainData: once(), trainStep: (b: number) => b });
      const msgs = spy.mock.calls.map((c) => String(c[0]));
      expect(msgs.filter((w) => w.includes('a generator object can be iterated once'))).toHaveLength(1);
    } finally {
      spy.mockRestore();
    }
  });

  test('closeLoggers:false keeps sinks open across fit and validate', async () => {
    const mem = new MemoryLogger();
    const trainer = new Trainer({ closeLoggers: false, tf, loggers: [mem] });
    await trainer.fit(modelArgs(1, 1));
    await trainer.validate({ ...modelArgs(0, 2) });
    expect(mem.closed).toBe(false);
    expect(mem.series('val/loss')).toHaveLength(2);
  });

  test('bad options name key, value and expectation', () => {
    expect(() => new Trainer({ maxEpochs: 0 })).toThrow(/trainer\.maxEpochs: got 0, expected number to be >=1/);
    try {
      new Trainer({ logEveryNSteps: 1.5 });
      throw new Error('no throw');
    } catch (e) {
      expect((e as { code: string }).code).toBe('ERR_INVALID_CONFIG');
      expect(e).toBeInstanceOf(RangeError);
    }
  });
});
