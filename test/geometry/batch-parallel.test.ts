/**
 * The async batch calls split large batches over the native thread pool: the result must be the
 * synchronous call's, element for element, for any thread count, with multi-ring polygons,
 * per-polygon deltas, both modes and a cache; and an error names the same polygon as the
 * synchronous call does.
 */
import { getCache } from '../../src/cache';
import {
  type FlatPolygons,
  offsetBatch,
  offsetBatchAsync,
  shrinkBatch,
  shrinkBatchAsync,
  unclipBatch,
  unclipBatchAsync,
} from '../../src/geometry';
import { errorOf } from './error_of';

const L = require('./difflib.js');

// Every generated kind but 'huge' (grown, it emits millions of arc vertices), holes included.
const polys: number[][][][] = L.generate(3000, 11)
  .filter((p: { kind: string }) => p.kind !== 'huge')
  .map((p: { rings: number[][][] }) => p.rings);
const multi = L.flatten(polys) as { coords: Float64Array; ringOffsets: Uint32Array; polygonRings: Uint32Array };
const singleFlat = L.flatten(polys.map((p) => [p[0]!])) as { coords: Float64Array; ringOffsets: Uint32Array };
const single = { coords: singleFlat.coords, ringOffsets: singleFlat.ringOffsets };
const n = polys.length;
const deltas = Float64Array.from({ length: n }, (_, i) => ((i * 7919) % 23) - 11.5);

function expectSame(a: FlatPolygons, b: FlatPolygons) {
  expect(a.polygonRings.length).toBe(b.polygonRings.length);
  expect(Buffer.from(a.polygonRings.buffer, a.polygonRings.byteOffset, a.polygonRings.byteLength).equals(
    Buffer.from(b.polygonRings.buffer, b.polygonRings.byteOffset, b.polygonRings.byteLength),
  )).toBe(true);
  expect(Buffer.from(a.ringOffsets.buffer, a.ringOffsets.byteOffset, a.ringOffsets.byteLength).equals(
    Buffer.from(b.ringOffsets.buffer, b.ringOffsets.byteOffset, b.ringOffsets.byteLength),
  )).toBe(true);
  expect(Buffer.from(a.coords.buffer, a.coords.byteOffset, a.coords.byteLength).equals(
    Buffer.from(b.coords.buffer, b.coords.byteOffset, b.coords.byteLength),
  )).toBe(true);
}

describe('async batches on the thread pool', () => {
  test('the batch is large enough to be split', () => {
    expect(n).toBeGreaterThan(2000);
  });

  test.each([0, 1, 2, 3, 7])('offsetBatchAsync with threads=%i equals offsetBatch (multi-ring, per-polygon deltas)', async (threads) => {
    for (const mode of ['pyclipper', 'clipper2'] as const) {
      const input = { ...multi, deltas };
      const sync = offsetBatch(input, { mode });
      // Copy: the synchronous result may alias reused buffers.
      const want = { coords: sync.coords.slice(), ringOffsets: sync.ringOffsets.slice(), polygonRings: sync.polygonRings.slice() };
      expect(want.polygonRings.length).toBe(n + 1);
      expectSame(await offsetBatchAsync(input, { mode }, { threads }), want);
    }
  });

  test('shrinkBatchAsync / unclipBatchAsync equal the synchronous calls, also through a cache', async () => {
    const cache = getCache(`batch-parallel-${process.pid}`, { maxBytes: 64 << 20 });
    try {
      for (const [syncFn, asyncFn, ratio] of [
        [shrinkBatch, shrinkBatchAsync, 0.4],
        [unclipBatch, unclipBatchAsync, 1.5],
      ] as const) {
        const sync = syncFn({ ...single, ratios: ratio });
        const want = { coords: sync.coords.slice(), ringOffsets: sync.ringOffsets.slice(), polygonRings: sync.polygonRings.slice() };
        expectSame(await asyncFn({ ...single, ratios: ratio }), want);
        // Cold cache, then warm: both the same.
        expectSame(await asyncFn({ ...single, ratios: ratio }, { cache }), want);
        expectSame(await asyncFn({ ...single, ratios: ratio }, { cache }, { threads: 2 }), want);
      }
      expect(cache.stats().hits).toBeGreaterThan(0);
    } finally {
      cache.clear();
    }
  });

  test('an error names the same polygon as the synchronous call', async () => {
    const bad = deltas.slice();
    bad[n - 5] = Number.NaN;
    const input = { ...multi, deltas: bad };
    const want = errorOf(() => offsetBatch(input));
    expect(want.code).toBe('ERR_OUT_OF_RANGE');
    expect(want.message).toContain(String(n - 5));
    const got = await offsetBatchAsync(input).then(
      () => undefined,
      (e: unknown) => e as { code: string; message: string; name: string },
    );
    expect(got).toBeDefined();
    expect([got!.name, got!.code, got!.message]).toEqual([want.name, want.code, want.message]);
  });

  test('bad thread counts are typed errors with a code', async () => {
    const cases: Array<[unknown, string]> = [
      [-1, 'OcrPerfkitRangeError'],
      [1.5, 'OcrPerfkitRangeError'],
      [2000, 'OcrPerfkitRangeError'],
      ['two', 'OcrPerfkitTypeError'],
    ];
    for (const [threads, name] of cases) {
      const e = await offsetBatchAsync({ ...multi, deltas: 1 }, {}, { threads: threads as number }).then(
        () => undefined,
        (err: unknown) => err as { name: string; code: string; message: string },
      );
      expect(e).toMatchObject({ name, code: expect.stringMatching(/^ERR_/), message: expect.stringContaining('threads') });
    }
    await expect(offsetBatchAsync({ ...multi, deltas: 1 }, {}, { nope: 1 } as never)).rejects.toMatchObject({
      code: expect.stringMatching(/^ERR_/),
    });
  });

});
