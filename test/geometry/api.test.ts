/** Public geometry API: shapes, defaults, async, measures and typed errors. */
import {
  area,
  isConvex,
  offsetBatch,
  offsetBatchAsync,
  offsetPaths,
  orientation,
  perimeter,
  polygonPaths,
  shrinkBatch,
  shrinkBatchAsync,
  shrinkPolygon,
  unclipBatch,
  unclipPolygon,
  type Path,
} from '../../src/geometry';
import { errorOf } from './error_of';

const square: Path = [
  [0, 0],
  [10, 0],
  [10, 10],
  [0, 10],
];

describe('offsetPaths / shrinkPolygon / unclipPolygon', () => {
  test('pyclipper default: 10x10 square by -2.5 (SEMANTICS.md)', () => {
    expect(offsetPaths([square], -2.5)).toEqual([
      [
        [8, 8],
        [3, 8],
        [3, 3],
        [8, 3],
      ],
    ]);
  });

  test('float input is truncated toward zero before offsetting (pyclipper mode)', () => {
    const f: Path = [
      [0.9, 0.9],
      [10.9, 0.9],
      [10.9, 10.9],
      [0.9, 10.9],
    ];
    expect(offsetPaths([f], -2.5)).toEqual(offsetPaths([square], -2.5));
  });

  test('shrinkPolygon uses D = A(1-r^2)/L from the float polygon', () => {
    // 100x20 box: A = 2000, L = 240, D = 2000 * 0.84 / 240 = 7.0
    const box: Path = [
      [0, 0],
      [100, 0],
      [100, 20],
      [0, 20],
    ];
    const d = (2000 * (1 - 0.4 * 0.4)) / 240;
    expect(shrinkPolygon(box)).toEqual(offsetPaths([box], -d));
    expect(unclipPolygon(box)).toEqual(offsetPaths([box], (2000 * 1.5) / 240));
    expect(shrinkPolygon(box, { ratio: 0.6 })).toEqual(offsetPaths([box], (-2000 * (1 - 0.36)) / 240));
  });

  test('a polygon shrunk to nothing gives []', () => {
    // zero area (all vertices on one line): D = 0 and the clean-up union drops the flat ring
    expect(
      shrinkPolygon([
        [0, 0],
        [10, 0],
        [20, 0],
      ]),
    ).toEqual([]);
    expect(offsetPaths([square], -6)).toEqual([]);
  });

  test('clipper2 mode keeps the input orientation and scales by 10^precision', () => {
    const cw = offsetPaths([square], 1, { mode: 'clipper2', joinType: 'miter' });
    expect(cw).toHaveLength(1);
    expect(area(cw[0]!)).toBeCloseTo(144, 6);
    expect(orientation(cw[0]!)).toBe(orientation(square));
    const rev = offsetPaths([[...square].reverse()], 1, { mode: 'clipper2', joinType: 'miter' });
    expect(area(rev[0]!)).toBeCloseTo(-144, 6);
    const fine = offsetPaths([square], 0.125, { mode: 'clipper2', joinType: 'miter', precision: 3 });
    expect(area(fine[0]!)).toBeCloseTo(10.25 * 10.25, 6);
  });

  test('open paths: butt caps widen a segment into a rectangle', () => {
    const seg: Path = [
      [0, 0],
      [10, 0],
    ];
    for (const mode of ['pyclipper', 'clipper2'] as const) {
      const r = offsetPaths([seg], 2, { mode, endType: 'butt' });
      expect(r).toHaveLength(1);
      expect(Math.abs(area(r[0]!))).toBeCloseTo(40, 6);
    }
  });
});

describe('batch API', () => {
  const coords = new Float64Array([0, 0, 10, 0, 10, 10, 0, 10, 20, 20, 60, 20, 60, 40, 20, 40]);
  const ringOffsets = new Uint32Array([0, 4, 8]);

  test('offsetBatch: per-polygon deltas and the output layout', () => {
    const res = offsetBatch({ coords, ringOffsets, deltas: new Float64Array([-2.5, 1]) });
    expect(Array.from(res.polygonRings)).toEqual([0, 1, 2]);
    expect(polygonPaths(res, 0)).toEqual(offsetPaths([square], -2.5));
    expect(polygonPaths(res, 1)).toEqual(
      offsetPaths(
        [
          [
            [20, 20],
            [60, 20],
            [60, 40],
            [20, 40],
          ],
        ],
        1,
      ),
    );
  });

  test('async equals sync, shrink/unclip batches equal the single-polygon helpers', async () => {
    const sync = shrinkBatch({ coords, ringOffsets });
    const asyncRes = await shrinkBatchAsync({ coords, ringOffsets });
    expect(asyncRes).toEqual(sync);
    expect(polygonPaths(sync, 1)).toEqual(
      shrinkPolygon([
        [20, 20],
        [60, 20],
        [60, 40],
        [20, 40],
      ]),
    );
    const un = unclipBatch({ coords, ringOffsets, ratios: 2 });
    expect(polygonPaths(un, 0)).toEqual(unclipPolygon(square, { ratio: 2 }));
    const off = await offsetBatchAsync({ coords, ringOffsets, deltas: 3 });
    expect(off).toEqual(offsetBatch({ coords, ringOffsets, deltas: 3 }));
  });

  test('polygonRings groups rings into one polygon (a hole)', () => {
    const c = new Float64Array([0, 0, 100, 0, 100, 100, 0, 100, 40, 40, 40, 60, 60, 60, 60, 40]);
    const res = offsetBatch({ coords: c, ringOffsets: new Uint32Array([0, 4, 8]), polygonRings: new Uint32Array([0, 2]), deltas: -5 }, { joinType: 'miter' });
    expect(res.polygonRings.length).toBe(2);
    const paths = polygonPaths(res, 0);
    expect(paths).toHaveLength(2);
    expect(area(paths)).toBe(90 * 90 - 30 * 30);
  });
});

describe('typed errors name the polygon', () => {
  const ro = new Uint32Array([0, 4, 8]);
  const good = [0, 0, 10, 0, 10, 10, 0, 10];
  test.each([
    ['NaN', [...good, 0, 0, Number.NaN, 0, 5, 5, 0, 5], ro, 'ERR_INVALID_POLYGON', /polygon 1/],
    ['Infinity', [...good, 0, 0, Number.POSITIVE_INFINITY, 0, 5, 5, 0, 5], ro, 'ERR_INVALID_POLYGON', /polygon 1/],
    ['odd length', [...good, 1], new Uint32Array([0, 4]), 'ERR_BUFFER_SIZE', /odd/],
    ['ring offsets out of range', good, new Uint32Array([0, 4, 9]), 'ERR_INVALID_POLYGON', /polygon 1/],
    ['too few points', [...good, 1, 1, 2, 2], new Uint32Array([0, 4, 6]), 'ERR_INVALID_POLYGON', /polygon 1.*2 points/],
    ['int64-unsafe coordinate', [...good, 0, 0, 1e17, 0, 5, 5, 0, 5], ro, 'ERR_COORDINATE_OVERFLOW', /polygon 1/],
  ])('%s', (_name, c, r, code, msg) => {
    const e = errorOf(() => offsetBatch({ coords: new Float64Array(c), ringOffsets: r, deltas: 1 }));
    expect(e.name).toBe('OcrPerfkitRangeError');
    expect(e.code).toBe(code);
    expect(e.message).toMatch(msg);
  });

  test('with several problems, the first polygon in order is named (coordinate and layout checks)', () => {
    const ring = (x: number) => [x, 0, x + 10, 0, x + 10, 10, x, 10];
    // polygon 1: NaN; polygon 2: two points; polygon 3: 1e17 -> polygon 1.
    const c = [...ring(0), ...ring(20).map((v, i) => (i === 3 ? Number.NaN : v)), 1, 1, 2, 2, ...ring(40).map((v, i) => (i === 0 ? 1e17 : v))];
    const r = new Uint32Array([0, 4, 8, 10, 14]);
    expect(errorOf(() => offsetBatch({ coords: new Float64Array(c), ringOffsets: r, deltas: 1 })).message).toMatch(/^polygon 1: coordinate is NaN/);
    // Without the NaN: polygon 2's point count comes before polygon 3's coordinate.
    c[11] = 0;
    expect(errorOf(() => offsetBatch({ coords: new Float64Array(c), ringOffsets: r, deltas: 1 })).message).toMatch(/^polygon 2: has 2 points/);
    // Points outside every ring are not checked.
    const tail = new Float64Array([...ring(0), Number.NaN, 5]);
    expect(offsetBatch({ coords: tail, ringOffsets: new Uint32Array([0, 4]), deltas: 1 }).polygonRings.length).toBe(2);
    // A coordinate exactly at 2^53 passes; the next double up does not.
    const edge = new Float64Array(ring(0));
    edge[4] = 2 ** 53;
    expect(() => offsetBatch({ coords: edge, ringOffsets: new Uint32Array([0, 4]), deltas: 0 })).not.toThrow();
    edge[4] = 2 ** 53 + 2;
    expect(errorOf(() => offsetBatch({ coords: edge, ringOffsets: new Uint32Array([0, 4]), deltas: 0 })).code).toBe('ERR_COORDINATE_OVERFLOW');
  });

  test('wrong types are TypeErrors', () => {
    expect(errorOf(() => offsetBatch({ coords: [0, 1] as unknown as Float64Array, ringOffsets: new Uint32Array([0]), deltas: 1 })).code).toBe(
      'ERR_INVALID_ARGUMENT',
    );
    expect(errorOf(() => offsetPaths([[[0, 'x']]] as unknown as Path[], 1)).name).toBe('OcrPerfkitTypeError');
    expect(errorOf(() => offsetPaths([square], 'x' as unknown as number)).code).toBe('ERR_INVALID_ARGUMENT');
    expect(errorOf(() => offsetPaths([square], Number.NaN)).code).toBe('ERR_OUT_OF_RANGE');
  });

  test('bad option values are RangeError ERR_OUT_OF_RANGE, wrong types TypeError ERR_INVALID_ARGUMENT', () => {
    for (const call of [
      () => offsetPaths([square], 1, { joinType: 'bevel' }),
      () => offsetPaths([square], 1, { mode: 'x' as 'clipper2' }),
      () => shrinkPolygon(square, { ratio: 2 }),
    ]) {
      expect(errorOf(call)).toMatchObject({ name: 'OcrPerfkitRangeError', code: 'ERR_OUT_OF_RANGE' });
    }
    for (const call of [
      () => shrinkPolygon(square, { ratio: 'a' as unknown as number }),
      () => unclipPolygon(square, { foo: 1 } as never),
      () => unclipPolygon(square, 'options' as never),
    ]) {
      expect(errorOf(call)).toMatchObject({ name: 'OcrPerfkitTypeError', code: 'ERR_INVALID_ARGUMENT' });
    }
    expect(errorOf(() => offsetPaths([square], 1, { joinType: 'bevel' })).message).toContain('options.joinType');
  });

  test('a huge delta that would emit too many arc vertices is refused, not a hang', () => {
    expect(errorOf(() => offsetPaths([square], 1e15)).code).toBe('ERR_OUT_OF_RANGE');
  });

  test('async rejects with the same coded error', async () => {
    await expect(offsetBatchAsync({ coords: new Float64Array([0, 0, Number.NaN, 0, 1, 1]), ringOffsets: new Uint32Array([0, 3]), deltas: 1 })).rejects.toMatchObject({
      code: 'ERR_INVALID_POLYGON',
    });
  });
});

describe('measures', () => {
  test('area, perimeter, orientation', () => {
    expect(area(square)).toBe(100);
    expect(area([...square].reverse())).toBe(-100);
    expect(perimeter(square)).toBe(40);
    expect(perimeter(square, false)).toBe(30);
    expect(orientation(square)).toBe(true);
    expect(orientation([...square].reverse())).toBe(false);
  });

  test('isConvex', () => {
    expect(isConvex(square)).toBe(true);
    expect(isConvex([...square].reverse())).toBe(true);
    expect(
      isConvex([
        [0, 0],
        [5, 0],
        [10, 0],
        [10, 10],
        [0, 10],
      ]),
    ).toBe(true);
    expect(
      isConvex([
        [0, 0],
        [10, 0],
        [5, 2],
        [10, 10],
        [0, 10],
      ]),
    ).toBe(false);
    // bow-tie and pentagram: every turn has the same sign but they wind more than once / cross
    expect(
      isConvex([
        [0, 0],
        [10, 10],
        [10, 0],
        [0, 10],
      ]),
    ).toBe(false);
    const star: Path = [0, 2, 4, 1, 3].map((i) => [Math.cos((2 * Math.PI * i) / 5), Math.sin((2 * Math.PI * i) / 5)]);
    expect(isConvex(star)).toBe(false);
  });
});
