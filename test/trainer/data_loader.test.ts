import * as path from 'node:path';
import { DataLoader } from '../../src/trainer/data_loader';
import { WorkerPool } from '../../src/trainer/worker_pool';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function collect<B>(loader: AsyncIterable<B>): Promise<B[]> {
  const out: B[] = [];
  for await (const b of loader) out.push(b);
  return out;
}

describe('DataLoader', () => {
  test('iterates arrays, generators (via a function, once per epoch) and async iterables', async () => {
    expect(await collect(new DataLoader({ source: [1, 2, 3] }))).toEqual([1, 2, 3]);
    const fn = new DataLoader({
      source: function* () {
        yield 'a';
        yield 'b';
      },
    });
    expect(await collect(fn)).toEqual(['a', 'b']);
    expect(await collect(fn)).toEqual(['a', 'b']);
    async function* gen() {
      for (let i = 0; i < 4; i++) {
        await sleep(1);
        yield i;
      }
    }
    expect(await collect(new DataLoader({ source: gen, transform: (x: number) => x * 10 }))).toEqual([0, 10, 20, 30]);
  });

  test('keeps order with concurrent async transforms and reports timings', async () => {
    const loader = new DataLoader({
      source: [30, 5, 20, 1],
      prefetch: 3,
      transform: async (ms: number) => {
        await sleep(ms);
        return ms;
      },
      sizeOf: () => 8,
    });
    const items = [];
    for await (const t of loader.timed()) items.push(t);
    expect(items.map((t) => t.value)).toEqual([30, 5, 20, 1]);
    expect(items.map((t) => t.size)).toEqual([8, 8, 8, 8]);
    expect(items[0]!.transformMs).toBeGreaterThanOrEqual(25);
    for (const t of items) expect(t.loadMs).toBeGreaterThanOrEqual(0);
  });

  test('a transform reports its own work through TransformWork; wall time is kept apart', async () => {
    const loader = new DataLoader({
      source: [1, 2],
      transform: async (x: number, work) => {
        await sleep(40); // waiting, not work
        work.add(3);
        work.add(4.5);
        return work.time(() => x * 2);
      },
    });
    const items = [];
    for await (const t of loader.timed()) items.push(t);
    expect(items.map((t) => t.value)).toEqual([2, 4]);
    for (const t of items) {
      // 7.5 ms reported plus the (sub-millisecond) timed multiplication.
      expect(t.transformMs).toBeGreaterThanOrEqual(7.5);
      expect(t.transformMs).toBeLessThan(20);
      expect(t.transformWallMs).toBeGreaterThanOrEqual(35);
    }
    // Without a report, the work is the wall time.
    const plain = [];
    for await (const t of new DataLoader({ source: [5], transform: async (x: number) => x }).timed()) plain.push(t);
    expect(plain[0]!.transformMs).toBe(plain[0]!.transformWallMs);
    // No transform: both 0.
    const none = [];
    for await (const t of new DataLoader({ source: [5] }).timed()) none.push(t);
    expect([none[0]!.transformMs, none[0]!.transformWallMs]).toEqual([0, 0]);
  });

  test('TransformWork.time counts a throwing function and rethrows; add rejects bad values', async () => {
    const seen: unknown[] = [];
    const loader = new DataLoader({
      source: [0],
      transform: (_x: number, work) => {
        for (const bad of [Number.NaN, -1, Number.POSITIVE_INFINITY, '2' as unknown as number]) {
          try {
            work.add(bad);
          } catch (e) {
            seen.push((e as { code?: string }).code);
          }
        }
        try {
          work.time(() => {
            throw new Error('boom');
          });
        } catch (e) {
          seen.push((e as Error).message);
        }
        return 1;
      },
    });
    const items = [];
    for await (const t of loader.timed()) items.push(t);
    expect(seen).toEqual(['ERR_OUT_OF_RANGE', 'ERR_OUT_OF_RANGE', 'ERR_OUT_OF_RANGE', 'ERR_OUT_OF_RANGE', 'boom']);
    expect(Number.isFinite(items[0]!.transformMs)).toBe(true);
    expect(items[0]!.transformMs).toBeLessThanOrEqual(items[0]!.transformWallMs);
  });

  test('prefetch runs ahead of the consumer by at most `prefetch` items', async () => {
    let pulled = 0;
    const source = {
      *[Symbol.iterator]() {
        for (let i = 0; i < 10; i++) {
          pulled++;
          yield i;
        }
      },
    };
    const loader = new DataLoader({ source, prefetch: 2 });
    const ahead: number[] = [];
    for await (const v of loader) {
      await sleep(2);
      ahead.push(pulled - 1 - v);
    }
    expect(Math.max(...ahead)).toBe(2);
    const none = new DataLoader({ source: [1, 2, 3], prefetch: 0 });
    expect(none.prefetch).toBe(0);
  });

  test('early exit returns the source iterator and hands unconsumed prefetched batches to onDrop', async () => {
    let closed = false;
    function* src() {
      try {
        for (let i = 0; ; i++) yield i;
      } finally {
        closed = true;
      }
    }
    const dropped: number[] = [];
    const loader = new DataLoader({ source: src, prefetch: 3 });
    const it = loader.timed((b) => dropped.push(b));
    expect((await it.next()).value!.value).toBe(0);
    await it.return!(undefined);
    expect(dropped).toEqual([1, 2, 3]);
    expect(closed).toBe(true);
  });

  test('transform errors surface in order', async () => {
    const loader = new DataLoader({
      source: [1, 2, 3],
      prefetch: 2,
      transform: (x: number) => {
        if (x === 2) throw new Error('bad 2');
        return x;
      },
    });
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const v of loader) seen.push(v);
      })(),
    ).rejects.toThrow('bad 2');
    expect(seen).toEqual([1]);
  });

  test('bad options', async () => {
    expect(() => new DataLoader({ source: [1], prefetch: -1 })).toThrow(/dataLoader\.prefetch: got -1/);
    expect(() => new DataLoader({ source: 5 as never })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    // An object that is none of the accepted sources fails when iterated.
    await expect(collect(new DataLoader({ source: {} as never }))).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    expect(() => new DataLoader({ source: [1], transform: (x) => x, pool: { run: async (x) => x } })).toThrow(
      /either transform or pool/,
    );
  });
});

describe('WorkerPool', () => {
  const module = path.join(__dirname, 'fixtures', 'square_worker.js');

  test('runs transforms on worker threads, in parallel, with transferred outputs', async () => {
    const pool = new WorkerPool<{ id: number; data: Float32Array }, { id: number; out: Float32Array }>({
      module,
      exportName: 'transform',
      size: 2,
    });
    try {
      const loader = new DataLoader({
        source: [0, 1, 2, 3, 4].map((id) => ({ id, data: new Float32Array([id, id + 1]) })),
        pool,
        prefetch: 2,
      });
      const outs = [];
      for await (const t of loader.timed()) outs.push(t);
      expect(outs.map((o) => o.value.id)).toEqual([0, 1, 2, 3, 4]);
      expect(Array.from(outs[3]!.value.out)).toEqual([9, 16]);
      expect(Object.prototype.toString.call(outs[3]!.value.out)).toBe('[object Float32Array]');
      expect(outs[0]!.transformMs).toBeGreaterThan(0);
    } finally {
      await pool.close();
    }
  });

  test('runTimed gives the worker execution time; a DataLoader uses it as transformMs', async () => {
    const pool = new WorkerPool<{ ms: number }, number>({ module, exportName: 'wait', size: 1 });
    try {
      // One worker, two tasks at once: the second waits ~60 ms for the worker, which its
      // execution time does not count and its wall time does.
      const [a, b] = await Promise.all([pool.runTimed({ ms: 60 }), pool.runTimed({ ms: 20 })]);
      expect([a.value, b.value]).toEqual([60, 20]);
      expect(a.execMs).toBeGreaterThanOrEqual(50);
      expect(b.execMs).toBeGreaterThanOrEqual(15);
      expect(b.execMs).toBeLessThan(a.execMs);
      expect(await pool.run({ ms: 1 })).toBe(1);
      // Once the first batch is in, the loader starts the next two together (prefetch 2):
      // the third is queued behind the second in the single worker.
      const loader = new DataLoader({ source: [{ ms: 1 }, { ms: 60 }, { ms: 20 }], pool, prefetch: 2 });
      const items = [];
      for await (const t of loader.timed()) items.push(t);
      expect(items.map((t) => t.value)).toEqual([1, 60, 20]);
      expect(items[2]!.transformMs).toBeGreaterThanOrEqual(15);
      expect(items[2]!.transformMs).toBeLessThan(items[1]!.transformMs);
      // Its wall time includes the wait for the worker.
      expect(items[2]!.transformWallMs).toBeGreaterThan(items[2]!.transformMs + 30);
    } finally {
      await pool.close();
    }
  });

  test('task errors reject with ERR_WORKER_TASK; a crashed worker is replaced; close rejects pending', async () => {
    const pool = new WorkerPool<{ id: number; data: Float32Array; fail?: boolean }, unknown>({
      module,
      exportName: 'transform',
      size: 1,
    });
    await expect(pool.run({ id: 7, data: new Float32Array(1), fail: true })).rejects.toMatchObject({
      code: 'ERR_WORKER_TASK',
      message: 'worker task failed: bad input 7',
    });
    const ok = await pool.run({ id: 1, data: new Float32Array([3]) });
    expect(ok).toMatchObject({ id: 1 });
    await pool.close();
    await expect(pool.run({ id: 2, data: new Float32Array(1) })).rejects.toMatchObject({ code: 'ERR_CLOSED' });

    const crashing = new WorkerPool<unknown, unknown>({ module, exportName: 'crash', size: 1 });
    await expect(crashing.run({})).rejects.toMatchObject({ code: 'ERR_WORKER_TASK' });
    await crashing.close();
  });

  test('a module that cannot load fails the pool once instead of respawning forever', async () => {
    const missing = new WorkerPool({ module: path.join(__dirname, 'fixtures', 'nope.js'), size: 2 });
    await expect(missing.run(1)).rejects.toMatchObject({ code: 'ERR_WORKER_START' });
    await expect(missing.run(2)).rejects.toMatchObject({ code: 'ERR_WORKER_START' });
    await missing.close();
    const noExport = new WorkerPool({ module, exportName: 'absent', size: 1 });
    await expect(noExport.run(1)).rejects.toThrow(/export "absent" of .* is not a function/);
    await noExport.close();
  });

  test('bad options', () => {
    expect(() => new WorkerPool({ module, size: 0 })).toThrow(/workerPool\.size: got 0/);
  });
});
