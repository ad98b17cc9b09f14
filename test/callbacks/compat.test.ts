/**
 * The callbacks take duck-typed views of the sampler and the cache (so they do not import those
 * modules). These assignments make `tsc` (npm run typecheck) fail if the real classes drift away
 * from the views.
 */
import type { PolygonCache } from '../../src/cache/polygon_cache';
import { type CacheStatsLike, gpuUsedBytes, type ResourceSamplerLike } from '../../src/callbacks/resources';
import type { ResourceSample, ResourceSampler } from '../../src/monitor/sampler';

/** Compiles only while the real classes are assignable to the views. */
function asViews(sampler: ResourceSampler, cache: PolygonCache): [ResourceSamplerLike, CacheStatsLike] {
  return [sampler, cache];
}

test('a ResourceSample-typed value is read as the sampler view expects', () => {
  expect(asViews.length).toBe(2);
  const gpu = (used: number | null) => ({ memoryUsedBytes: used }) as unknown as ResourceSample['gpus'][number];
  const sample = { t: 0, wallTime: 0, host: {}, gpus: [gpu(2 ** 30), gpu(null), gpu(2 ** 29)] } as unknown as ResourceSample;
  expect(gpuUsedBytes({ latest: () => sample })).toBe(1.5 * 2 ** 30);
  expect(gpuUsedBytes({ latest: () => null })).toBeUndefined();
  expect(
    gpuUsedBytes({
      latest: () => {
        throw new Error('sampler closed');
      },
    }),
  ).toBeUndefined();
});
