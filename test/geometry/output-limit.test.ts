/**
 * `maxOutputPoints` bounds the whole result of a call: the first polygon whose rings take the
 * total past it ends the call with ERR_OUT_OF_RANGE naming that polygon, the same polygon on every
 * route (synchronous, async on several threads, through a cold and a warm polygon cache, the
 * single-polygon helpers); a limit at or above the total changes nothing.
 */
import { getCache } from '../../src/cache';
import {
  type FlatPolygons,
  offsetBatch,
  type Path,
  unclipBatch,
  unclipBatchAsync,
  unclipPolygon,
  xor,
  xorAsync,
} from '../../src/geometry';
import { geometryNative } from '../../src/geometry/native';
import { errorOf } from './error_of';

const L = require('./difflib.js');

// Rotated and axis-aligned text boxes, grown with DB's unclip ratio: 20-40 points each.
const boxes: Path[] = [];
for (let i = 0; i < 1200; i++) {
  const w = 20 + ((i * 37) % 300);
  const h = 8 + ((i * 13) % 40);
  const a = i % 3 === 0 ? 0 : ((i % 17) - 8) * 0.05;
  boxes.push(L.rotatedBox(100 + ((i * 53) % 2000), 100 + ((i * 29) % 2000), w, h, Math.cos(a), Math.sin(a)));
}
const flat = L.flatten(boxes.map((b) => [b])) as { coords: Float64Array; ringOffsets: Uint32Array };
const input = { coords: flat.coords, ringOffsets: flat.ringOffsets, ratios: 1.5 };

/** Points of the result through polygon p (inclusive). */
function pointsThrough(r: FlatPolygons, p: number): number {
  return r.ringOffsets[r.polygonRings[p + 1]!]!;
}

async function asyncError(call: Promise<unknown>) {
  return call.then(
    () => undefined,
    (e: unknown) => {
      const err = e as { name: string; code: string; message: string };
      return { name: err.name, code: err.code, message: err.message };
    },
  );
}

describe('maxOutputPoints', () => {
  const full = unclipBatch(input);
  const want = { coords: full.coords.slice(), ringOffsets: full.ringOffsets.slice(), polygonRings: full.polygonRings.slice() };
  const total = want.coords.length / 2;

  test('a limit at the total (or above) gives the unlimited result', () => {
    expect(total).toBeGreaterThan(20 * boxes.length);
    for (const limit of [total, total + 1, 2 ** 32 - 1]) {
      const r = unclipBatch(input, { maxOutputPoints: limit });
      expect(Array.from(r.coords)).toEqual(Array.from(want.coords));
      expect(Array.from(r.ringOffsets)).toEqual(Array.from(want.ringOffsets));
      expect(Array.from(r.polygonRings)).toEqual(Array.from(want.polygonRings));
    }
  });

  test.each([0, 1, 517, 1199])('the first polygon past the limit is named (polygon %i)', async (k) => {
    // The limit is what the polygons before k hold, plus part of polygon k.
    const before = k === 0 ? 0 : pointsThrough(want, k - 1);
    const limit = before + 3;
    expect(pointsThrough(want, k)).toBeGreaterThan(limit);
    const sync = errorOf(() => unclipBatch(input, { maxOutputPoints: limit }));
    expect(sync.name).toBe('OcrPerfkitRangeError');
    expect(sync.code).toBe('ERR_OUT_OF_RANGE');
    expect(sync.message).toContain(`polygon ${k}:`);
    expect(sync.message).toContain(`maxOutputPoints = ${limit}`);
    // The threaded async route and the cached route report the same polygon.
    for (const threads of [1, 2]) {
      const got = await asyncError(unclipBatchAsync(input, { maxOutputPoints: limit }, { threads }));
      expect(got).toEqual(sync);
    }
    const cache = getCache(`output-limit-${process.pid}-${k}`, { maxBytes: 64 << 20 });
    try {
      expect(errorOf(() => unclipBatch(input, { maxOutputPoints: limit, cache }))).toEqual(sync); // cold
      unclipBatch(input, { cache }); // every polygon cached
      expect(errorOf(() => unclipBatch(input, { maxOutputPoints: limit, cache }))).toEqual(sync); // all hits
      expect(cache.stats().hits).toBeGreaterThan(0);
    } finally {
      cache.clear();
    }
  });

  test('exactly at a polygon boundary the next polygon is the one named', () => {
    const limit = pointsThrough(want, 99);
    expect(errorOf(() => unclipBatch(input, { maxOutputPoints: limit })).message).toContain('polygon 100:');
    expect(errorOf(() => offsetBatch({ coords: input.coords, ringOffsets: input.ringOffsets, deltas: 3 }, { maxOutputPoints: limit })).code).toBe(
      'ERR_OUT_OF_RANGE',
    );
  });

  test('single-polygon calls honour it too', () => {
    const box = boxes[5]!;
    const grown = unclipPolygon(box);
    const n = grown.reduce((s, p) => s + p.length, 0);
    expect(unclipPolygon(box, { maxOutputPoints: n })).toEqual(grown);
    expect(errorOf(() => unclipPolygon(box, { maxOutputPoints: n - 1 }))).toMatchObject({
      name: 'OcrPerfkitRangeError',
      code: 'ERR_OUT_OF_RANGE',
    });
    // The default returns to normal on the next call (the packed options are per spec).
    expect(unclipPolygon(box)).toEqual(grown);
  });

  test('bad values are typed errors', () => {
    for (const v of [0, -1, 1.5, 2 ** 32, Number.NaN]) {
      expect(errorOf(() => unclipBatch(input, { maxOutputPoints: v })).code).toBe('ERR_OUT_OF_RANGE');
    }
    expect(errorOf(() => unclipBatch(input, { maxOutputPoints: '10' as unknown as number }))).toMatchObject({
      name: 'OcrPerfkitTypeError',
      code: 'ERR_INVALID_ARGUMENT',
    });
  });
});

describe('maxOutputPoints on boolean operations', () => {
  // Two combs at right angles: their teeth cross, so the xor has far more points than the inputs.
  function comb(teeth: number, vertical: boolean): Path {
    const pts: Path = [];
    for (let t = 0; t < teeth; t++) {
      pts.push([20 * t, 0], [20 * t, 300], [20 * t + 10, 300], [20 * t + 10, 10]);
    }
    pts.push([20 * teeth, 10], [20 * teeth, 0]);
    return vertical ? pts : pts.map(([x, y]) => [y - 5, x + 3]);
  }
  const subject = [comb(12, true)];
  const clip = [comb(12, false)];
  const full = xor(subject, clip);
  const total = full.reduce((n, ring) => n + ring.length, 0);

  test('a limit at the total gives the unlimited result; one below is ERR_OUT_OF_RANGE', async () => {
    expect(total).toBeGreaterThan(4 * (subject[0]!.length + clip[0]!.length));
    expect(xor(subject, clip, { maxOutputPoints: total })).toEqual(full);
    const err = errorOf(() => xor(subject, clip, { maxOutputPoints: total - 1 }));
    expect(err).toEqual({
      name: 'OcrPerfkitRangeError',
      code: 'ERR_OUT_OF_RANGE',
      message: expect.stringContaining(`would hold ${total} points, more than maxOutputPoints = ${total - 1}`),
    });
    expect(await asyncError(xorAsync(subject, clip, { maxOutputPoints: total - 1 }))).toEqual(err);
    expect(await xorAsync(subject, clip, { maxOutputPoints: total })).toEqual(full);
  });

  test('bad values are typed errors, in the options and at the addon', () => {
    for (const v of [0, 1.5, 2 ** 32, Number.NaN]) {
      expect(errorOf(() => xor(subject, clip, { maxOutputPoints: v })).code).toBe('ERR_OUT_OF_RANGE');
    }
    const flatSquare = { coords: new Float64Array([0, 0, 4, 0, 4, 4, 0, 4]), ringOffsets: new Uint32Array([0, 4]) };
    const spec = { op: 'union' as const, fillRule: 'nonZero' as const, scale: 1, preserveCollinear: false, reverseSolution: false };
    const native = geometryNative();
    expect(native.geomBooleanOp(flatSquare.coords, flatSquare.ringOffsets, new Float64Array(0), new Uint32Array([0]), { ...spec, maxOutputPoints: 4 }).coords).toHaveLength(8);
    for (const v of [0, 2 ** 32, 0.5]) {
      expect(
        errorOf(() => native.geomBooleanOp(flatSquare.coords, flatSquare.ringOffsets, new Float64Array(0), new Uint32Array([0]), { ...spec, maxOutputPoints: v })),
      ).toMatchObject({ name: 'OcrPerfkitRangeError', code: 'ERR_OUT_OF_RANGE' });
    }
  });
});
