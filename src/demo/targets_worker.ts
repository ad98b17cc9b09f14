/**
 * Worker side of the demo's `data.workers > 0` transform (loaded by a {@link WorkerPool} as
 * `dist/demo/targets_worker.js`, export `transform`): DB targets for a batch of pages, looked up
 * in and added to the named native polygon cache that the main thread and every other worker
 * share, then packed into the model's input and label arrays (transferred back).
 */
import { getCache } from '../cache';
import { makeDbTargets } from '../targets';
import { packBatch, type PackedBatch, type WorkerBatchInput } from './pages';

export function transform(input: WorkerBatchInput): PackedBatch {
  const cache = getCache(input.cacheName, { maxBytes: input.cacheBytes });
  const { width, height } = input;
  const targets = input.pages.map((p) => makeDbTargets(p.words, { width, height, cache }));
  return packBatch(
    input.pages.map((p) => p.image),
    targets,
    width,
    height,
  );
}
