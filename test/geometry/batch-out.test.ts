/** Batch calls with caller-provided output storage (`out`): same values, views of the caller's arrays, typed errors. */
import { type BatchOutput, offsetBatch, shrinkBatch, unclipBatch } from '../../src/geometry';
import { errorOf } from './error_of';

const L = require('./difflib.js');

function input(n: number, seed: number) {
  // Every generated kind but 'huge' (grown, it emits millions of arc vertices): quads, curved text
  // polygons, outer rings of the 'holes' kind, ...
  const polys = L.generate(n, seed)
    .filter((p: { kind: string }) => p.kind !== 'huge')
    .map((p: { rings: number[][][] }) => [p.rings[0]]);
  const flat = L.flatten(polys);
  return { coords: flat.coords as Float64Array, ringOffsets: flat.ringOffsets as Uint32Array };
}

function roomFor(r: { coords: Float64Array; ringOffsets: Uint32Array; polygonRings: Uint32Array }, extra = 0): BatchOutput {
  return {
    coords: new Float64Array(r.coords.length + extra),
    ringOffsets: new Uint32Array(r.ringOffsets.length + extra),
    polygonRings: new Uint32Array(r.polygonRings.length + extra),
  };
}

describe('batch into caller-provided out buffers', () => {
  const data = input(400, 7);

  test.each([
    ['shrink', shrinkBatch, 0.4],
    ['unclip', unclipBatch, 1.5],
  ] as const)('%s: same values as the plain call, returned as views of out', (_name, fn, ratio) => {
    const plain = fn({ ...data, ratios: ratio });
    const out = roomFor(plain, 10);
    const got = fn({ ...data, ratios: ratio }, undefined, out);
    expect(Array.from(got.coords)).toEqual(Array.from(plain.coords));
    expect(Array.from(got.ringOffsets)).toEqual(Array.from(plain.ringOffsets));
    expect(Array.from(got.polygonRings)).toEqual(Array.from(plain.polygonRings));
    // Views of the caller's arrays, at their start.
    expect(got.coords.buffer).toBe(out.coords.buffer);
    expect(got.coords.byteOffset).toBe(out.coords.byteOffset);
    expect(got.ringOffsets.buffer).toBe(out.ringOffsets.buffer);
    expect(got.polygonRings.buffer).toBe(out.polygonRings.buffer);
    expect(got.coords.length).toBe(plain.coords.length);
    // Reused: a second call with other ratios overwrites the same storage.
    const again = fn({ ...data, ratios: ratio / 2 }, undefined, out);
    const plain2 = fn({ ...data, ratios: ratio / 2 });
    expect(Array.from(again.coords)).toEqual(Array.from(plain2.coords));
    expect(again.coords.buffer).toBe(out.coords.buffer);
  });

  test('offsetBatch with per-polygon deltas, out arrays that are views at an offset of one buffer', () => {
    const n = data.ringOffsets.length - 1;
    const deltas = Float64Array.from({ length: n }, (_, i) => (i % 2 ? 2.5 : -1.5));
    const plain = offsetBatch({ ...data, deltas });
    const buf = new ArrayBuffer(8 * (plain.coords.length + 1) + 4 * (plain.ringOffsets.length + plain.polygonRings.length));
    const out: BatchOutput = {
      coords: new Float64Array(buf, 8, plain.coords.length),
      ringOffsets: new Uint32Array(buf, 8 * (plain.coords.length + 1), plain.ringOffsets.length),
      polygonRings: new Uint32Array(buf, 8 * (plain.coords.length + 1) + 4 * plain.ringOffsets.length, plain.polygonRings.length),
    };
    const got = offsetBatch({ ...data, deltas }, undefined, out);
    expect(got.coords.byteOffset).toBe(8);
    expect(Array.from(got.coords)).toEqual(Array.from(plain.coords));
    expect(Array.from(got.ringOffsets)).toEqual(Array.from(plain.ringOffsets));
    expect(Array.from(got.polygonRings)).toEqual(Array.from(plain.polygonRings));
  });

  test('too small: RangeError ERR_BUFFER_SIZE naming the sizes needed, out left unchanged', () => {
    const plain = unclipBatch({ ...data, ratios: 1.5 });
    for (const which of ['coords', 'ringOffsets', 'polygonRings'] as const) {
      const out = roomFor(plain);
      out[which] = (which === 'coords' ? new Float64Array(out[which].length - 1) : new Uint32Array(out[which].length - 1)) as never;
      out.coords.fill(-7);
      const e = errorOf(() => unclipBatch({ ...data, ratios: 1.5 }, undefined, out));
      expect(e.name).toBe('OcrPerfkitRangeError');
      expect(e.code).toBe('ERR_BUFFER_SIZE');
      expect(e.message).toContain(`out.coords needs ${plain.coords.length}`);
      expect(e.message).toContain(`out.ringOffsets ${plain.ringOffsets.length}`);
      expect(e.message).toContain(`out.polygonRings ${plain.polygonRings.length}`);
      expect(out.coords.every((v) => v === -7)).toBe(true);
    }
  });

  test('wrong types: TypeError ERR_INVALID_ARGUMENT', () => {
    const good = roomFor(shrinkBatch({ ...data, ratios: 0.4 }));
    const bad: unknown[] = [
      null,
      42,
      { ...good, coords: new Float32Array(good.coords.length) },
      { ...good, ringOffsets: new Int32Array(good.ringOffsets.length) },
      { ...good, polygonRings: Array.from(good.polygonRings) },
      { coords: good.coords, ringOffsets: good.ringOffsets },
    ];
    for (const out of bad) {
      const e = errorOf(() => shrinkBatch({ ...data, ratios: 0.4 }, undefined, out as BatchOutput));
      expect(e.name).toBe('OcrPerfkitTypeError');
      expect(e.code).toBe('ERR_INVALID_ARGUMENT');
    }
  });

  test('an empty batch fits in one-entry arrays', () => {
    const empty = { coords: new Float64Array(0), ringOffsets: new Uint32Array([0]) };
    const out: BatchOutput = { coords: new Float64Array(0), ringOffsets: new Uint32Array(1), polygonRings: new Uint32Array(1) };
    const got = shrinkBatch(empty, undefined, out);
    expect(Array.from(got.polygonRings)).toEqual([0]);
    expect(Array.from(got.ringOffsets)).toEqual([0]);
    expect(got.coords.length).toBe(0);
  });
});
