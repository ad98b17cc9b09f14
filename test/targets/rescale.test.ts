// The threshold map's final rescale (canvas * (threshMax - threshMin) + threshMin in float32) is
// fused into the max-merges when threshMax >= threshMin. Every pixel must equal the separate
// rescale of the raw canvas (threshMin 0, threshMax 1 leaves the canvas unscaled), in both modes,
// and the negative-scale fallback must give the same formula.
import { makeDbTargets } from '../../src/targets';

const f = Math.fround;
const W = 200;
const H = 160;

/** Overlapping quads, slanted edges, a triangle and a long thin box near the border. */
const polygons: [number, number][][] = [
  [
    [10.5, 12.25],
    [90.75, 15],
    [88, 44.5],
    [8.25, 40],
  ],
  [
    [60, 30],
    [150.3, 35.7],
    [147.9, 70.1],
    [58.2, 66.6],
  ],
  [
    [30, 80],
    [70.5, 150],
    [5, 140.25],
  ],
  [
    [120, 100],
    [199, 101.5],
    [198.4, 118],
    [119.6, 117],
  ],
  [
    [100.33, 130.1],
    [180.01, 131.2],
    [179.5, 159],
    [101, 158.7],
  ],
];

function thresh(mode: 'reference' | 'exact', threshMin: number, threshMax: number): Float32Array {
  return makeDbTargets(polygons, { width: W, height: H, mode, threshMin, threshMax }).threshMap;
}

describe.each(['reference', 'exact'] as const)('threshold map rescale, %s mode', (mode) => {
  const raw = thresh(mode, 0, 1);

  it('has a ridge to rescale', () => {
    let ridge = 0;
    for (const v of raw) if (v > 0 && v < 1) ridge++;
    expect(ridge).toBeGreaterThan(1000);
  });

  it.each([
    [0.3, 0.7],
    [0.1, 0.9],
    [0.25, 0.25],
    [0.7, 0.3],
    [-2, 5],
  ])('threshMin %p, threshMax %p equals the separate float32 rescale on every pixel', (lo, hi) => {
    const got = thresh(mode, lo, hi);
    const scale = f(hi - lo);
    const bias = f(lo);
    let bad = 0;
    for (let k = 0; k < raw.length; k++) {
      const want = f(f((raw[k] ?? Number.NaN) * scale) + bias);
      if (!Object.is(got[k], want)) bad++;
    }
    expect(bad).toBe(0);
  });
});
