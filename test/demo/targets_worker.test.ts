/**
 * The main job's `data.workers > 0` transform: DB targets and packing on a worker thread that
 * opens the same named native polygon cache as the main thread. Runs the built worker module
 * (`dist/demo/targets_worker.js`; `npm install` builds `dist/` through `prepare`).
 */
import * as path from 'node:path';
import { getCache } from '../../src/cache';
import { packageRoot } from '../../src/native';
import {
  makeTargetsTransform,
  makeWorkerTargetsTransform,
  type PackedBatch,
  type PageBatch,
  type WorkerBatchInput,
} from '../../src/demo/pages';
import { makeSyntheticReceipt } from '../../src/demo/synthetic_receipts';
import { DataLoader } from '../../src/trainer/data_loader';
import { WorkerPool } from '../../src/trainer/worker_pool';
import { cpu, tf } from '../trainer/tiny';

const W = 64;
const H = 96;
const pagesOf = (seeds: number[]): PageBatch => ({
  seeds,
  pages: seeds.map((seed) => makeSyntheticReceipt({ width: W, height: H, seed })),
});

describe('demo targets worker', () => {
  beforeAll(cpu);

  it('gives the same tensors as the main-thread transform, fills the shared cache, reports its work', async () => {
    const name = `targets-worker-test-${process.pid}`;
    const maxBytes = 16 << 20;
    const cache = getCache(name, { maxBytes });
    const pool = new WorkerPool<WorkerBatchInput, PackedBatch>({
      module: path.join(packageRoot, 'dist', 'demo', 'targets_worker.js'),
      exportName: 'transform',
      size: 1,
    });
    try {
      const inWorker = makeWorkerTargetsTransform(tf as never, W, H, { name, maxBytes }, pool);
      const onMain = makeTargetsTransform(tf as never, W, H, cache);
      const loader = new DataLoader({ source: [pagesOf([1, 2, 3])], transform: inWorker });
      const got = [];
      for await (const t of loader.timed()) got.push(t);
      expect(got).toHaveLength(1);
      // The worker computed and stored 3 pages' targets in the cache the main thread sees.
      expect(cache.stats().sets).toBe(3);
      expect(cache.stats().entries).toBe(3);
      // Its transform time is the worker's execution time, within the wall time.
      expect(got[0]!.transformMs).toBeGreaterThan(0);
      expect(got[0]!.transformMs).toBeLessThanOrEqual(got[0]!.transformWallMs);
      // The same pages on the main thread: all three are hits, and the tensors are equal.
      const ref = await onMain(pagesOf([1, 2, 3]), { add: () => {}, time: (fn) => fn() });
      expect(cache.stats().hits).toBe(3);
      const b = got[0]!.value;
      expect(b.xs.shape).toEqual([3, H, W, 1]);
      expect(b.ys.shape).toEqual([3, H, W, 4]);
      expect(Buffer.from((await b.xs.data()).buffer).equals(Buffer.from((await ref.xs.data()).buffer))).toBe(true);
      expect(Buffer.from((await b.ys.data()).buffer).equals(Buffer.from((await ref.ys.data()).buffer))).toBe(true);
      tf.dispose([b.xs, b.ys, ref.xs, ref.ys]);
    } finally {
      await pool.close();
      cache.clear();
    }
  });
});
