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
    await expect(collect(new DataLoader({ source: 5 as never }))).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
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
