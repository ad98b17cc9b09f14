/**
 * Junk that scripts/api-fuzz.js threw at the training loop's parts, each a case it found:
 * uncloneable WorkerPool inputs, non-function steps and transforms, async steps inside tf.tidy,
 * tensors left behind by a failing step, junk `sizeOf` results.
 */
import * as path from 'node:path';
import { DataLoader } from '../../src/trainer/data_loader';
import { Trainer } from '../../src/trainer/trainer';
import { WorkerPool } from '../../src/trainer/worker_pool';
import { batches, cpu, tf, tinyModel } from './tiny';

beforeAll(cpu);

describe('WorkerPool with input it cannot send', () => {
  const module = path.join(__dirname, 'fixtures', 'square_worker.js');

  test('an uncloneable input queued behind another task rejects typed; the worker takes the next task', async () => {
    const pool = new WorkerPool<unknown, number>({ module, exportName: 'wait', size: 1 });
    try {
      // The second task is posted from the first one's result handler: a throw there used to be
      // an uncaught exception that ended the process.
      const first = pool.run({ ms: 20 });
      const bad = pool.run({ ms: 1, f: () => 1 });
      const third = pool.run({ ms: 3 });
      await expect(bad).rejects.toBeInstanceOf(TypeError);
      await expect(bad).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
      await expect(bad).rejects.toThrow(/task input cannot be sent to a worker: .*could not be cloned/);
      expect(await first).toBe(20);
      expect(await third).toBe(3);
      // Sent directly to an idle worker, too.
      await expect(pool.run(Symbol('s'))).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
      expect(await pool.run({ ms: 1 })).toBe(1);
    } finally {
      await pool.close();
    }
  });

  test('a transfer list that is not an array, or holds a non-buffer, rejects typed', async () => {
    const pool = new WorkerPool<unknown, number>({ module, exportName: 'wait', size: 1 });
    try {
      await expect(pool.run({ ms: 1 }, 5 as never)).rejects.toThrow(/transfer must be an array of ArrayBuffers, got 5/);
      await expect(pool.run({ ms: 1 }, [{}] as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
      expect(await pool.run({ ms: 2 })).toBe(2);
    } finally {
      await pool.close();
    }
  });
});

describe('DataLoader options and sizeOf results', () => {
  test('non-function transform or sizeOf, a pool without run(), a number as source: typed at construction', () => {
    for (const options of [
      { source: [1], transform: 5 },
      { source: [1], sizeOf: 'n' },
      { source: [1], pool: {} },
      { source: 5 },
    ]) {
      expect(() => new DataLoader(options as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    }
    expect(() => new DataLoader({ source: [1], transform: 5 as never })).toThrow(/options\.transform must be a function, got 5/);
  });

  test.each([3.5, -1, Number.NaN, '4', false])('sizeOf returning %p is a typed error, not a sample count', async (n) => {
    const loader = new DataLoader({ source: [1, 2], sizeOf: () => n as never });
    const it = loader.timed();
    const next = it.next();
    await expect(next).rejects.toBeInstanceOf(RangeError);
    await expect(next).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE' });
  });

  test('sizeOf may return a whole number or undefined', async () => {
    const sizes: Array<number | undefined> = [];
    for await (const b of new DataLoader({ source: [1, 2, 3], sizeOf: (x: number) => (x === 2 ? undefined : x * 2) }).timed()) {
      sizes.push(b.size);
    }
    expect(sizes).toEqual([2, undefined, 6]);
  });
});

describe('Trainer.fit with bad arguments', () => {
  test.each([null, 5, 'args', []])('fit(%p) is a typed error', async (args) => {
    const fit = new Trainer({ tf }).fit(args as never);
    await expect(fit).rejects.toBeInstanceOf(TypeError);
    await expect(fit).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
  });

  test('a non-function step, model without apply, optimizer without minimize: typed, before any hook runs', async () => {
    const seen: string[] = [];
    const callbacks = [
      {
        onTrainStart: () => {
          seen.push('start');
        },
      },
    ];
    const trainer = new Trainer({ tf, callbacks });
    await expect(trainer.fit({ trainData: [1], trainStep: 5 as never })).rejects.toThrow(/trainStep must be a function, got 5/);
    await expect(trainer.fit({ trainData: [1], trainStep: (b: number) => b, validationStep: {} as never })).rejects.toThrow(
      /validationStep must be a function/,
    );
    const loss = (y: unknown, p: unknown) => tf.losses.meanSquaredError(y as tf.Tensor, p as tf.Tensor) as tf.Scalar;
    await expect(trainer.fit({ trainData: [1], model: {} as never, loss, optimizer: tf.train.sgd(0.1) })).rejects.toThrow(
      /model must have an apply\(\) method/,
    );
    await expect(trainer.fit({ trainData: [1], model: tinyModel(), loss, optimizer: 3 as never })).rejects.toThrow(
      /optimizer must have a minimize\(\) method/,
    );
    await expect(trainer.fit({ trainStep: (b: number) => b } as never)).rejects.toThrow(/trainData is required/);
    expect(seen).toEqual([]);
  });

  test('an async step inside tf.tidy is a typed error naming the fix (tfjs only logs and leaks)', async () => {
    const before = tf.memory().numTensors;
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      await expect(
        new Trainer({ tf }).fit({
          trainData: () => batches(2),
          trainStep: async () => tf.scalar(1),
        }),
      ).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT', message: expect.stringContaining('set tidy: false') });
      expect(errors).not.toHaveBeenCalled();
    } finally {
      errors.mockRestore();
    }
    expect(tf.memory().numTensors).toBe(before);
    // With tidy off the same step is fine.
    const res = await new Trainer({ tf, tidy: false }).fit({ trainData: () => batches(2), trainStep: async () => 1 });
    expect(res.history[0]).toEqual({ loss: 1 });
    expect(tf.memory().numTensors).toBe(before);
  });

  test('a step that throws leaves no tensors: its batch and the running output sums are disposed', async () => {
    const before = tf.memory().numTensors;
    await expect(
      new Trainer({ tf }).fit({
        trainData: () => batches(4),
        trainStep: (_b, ctx) => {
          if (ctx.batchIdx === 2) throw new Error('step failed');
          return tf.scalar(ctx.batchIdx);
        },
      }),
    ).rejects.toThrow('step failed');
    expect(tf.memory().numTensors).toBe(before);
    // The same when a validation step fails after training steps summed their outputs.
    await expect(
      new Trainer({ tf }).fit({
        trainData: () => batches(2),
        trainStep: () => tf.scalar(1),
        valData: () => batches(2),
        validationStep: (_b, ctx) => {
          if (ctx.batchIdx === 1) throw new Error('val failed');
          return tf.scalar(2);
        },
      }),
    ).rejects.toThrow('val failed');
    expect(tf.memory().numTensors).toBe(before);
  });
});
