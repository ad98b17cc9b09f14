/**
 * boxesFromBitmap's score is cv2.mean over the pixels the box paints: a double sum in row-major
 * order, divided by their count. The native code adds a box's pixels on four independent
 * accumulators when every partial sum is exactly representable (then any order gives the same
 * double) and one after another otherwise. The regions here are axis-aligned rectangles, whose
 * box (and contour) paints exactly the rectangle, so the expected score is summed here in
 * cv2.mean's order and compared for equality, not closeness.
 */
import { boxesFromBitmap } from '../../src/targets';

interface Rect {
  x0: number;
  y0: number;
  x1: number; // inclusive
  y1: number; // inclusive
}

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** cv2.mean's sum: row by row, left to right, in double. */
function serialMean(prob: Float32Array, width: number, r: Rect): number {
  let sum = 0;
  let n = 0;
  for (let y = r.y0; y <= r.y1; y++) {
    for (let x = r.x0; x <= r.x1; x++) {
      sum += prob[y * width + x]!;
      n++;
    }
  }
  return sum / n;
}

/** The four-accumulator order the native fast form uses (each row one run of pixels). */
function laneMean(prob: Float32Array, width: number, r: Rect): number {
  const acc = [0, 0, 0, 0];
  let n = 0;
  for (let y = r.y0; y <= r.y1; y++) {
    const len = r.x1 - r.x0 + 1;
    let i = 0;
    for (; i + 4 <= len; i += 4) {
      for (let k = 0; k < 4; k++) acc[k] = acc[k]! + prob[y * width + r.x0 + i + k]!;
    }
    for (; i < len; i++) acc[0] = acc[0]! + prob[y * width + r.x0 + i]!;
    n += len;
  }
  return (acc[0]! + acc[1]! + (acc[2]! + acc[3]!)) / n;
}

/** A width x height map: `inside(x, y)` in the rectangle, 0 elsewhere. */
function rectMap(width: number, height: number, r: Rect, inside: (x: number, y: number) => number): Float32Array {
  const prob = new Float32Array(width * height);
  for (let y = r.y0; y <= r.y1; y++) {
    for (let x = r.x0; x <= r.x1; x++) prob[y * width + x] = inside(x, y);
  }
  return prob;
}

function onlyScore(prob: Float32Array, width: number, height: number, extra: Record<string, unknown> = {}): number {
  const boxes = boxesFromBitmap(prob, { width, height, boxThresh: -1, unclipRatio: 1.5, ...extra });
  expect(boxes).toHaveLength(1);
  return boxes[0]!.score;
}

describe('boxesFromBitmap scores: cv2.mean, to the last bit', () => {
  const width = 96;
  const height = 80;
  const rect: Rect = { x0: 11, y0: 7, x1: 73, y1: 58 }; // 63 x 52 pixels, rows of 4k + 3

  test.each(['fast', 'slow'] as const)(
    'full-mantissa probabilities (every partial sum exact: the four-accumulator form), scoreMode %s',
    (scoreMode) => {
      const rnd = lcg(7);
      const prob = rectMap(width, height, rect, () => 0.31 + 0.69 * rnd());
      const want = serialMean(prob, width, rect);
      expect(onlyScore(prob, width, height, { scoreMode })).toBe(want);
    },
  );

  // Rows of 4k + 3 pixels leave three to the scalar tail of each row; rows of 4k leave none, so
  // there only the four-lane pass sees the values that decide the form (the largest and the
  // smallest nonzero): a lane pass that lost either one would pick the four-accumulator order.
  test.each([
    ['4k + 3', rect],
    ['4k', { x0: 11, y0: 7, x1: 74, y1: 58 }],
  ] as const)('large values, then tiny ones, rows of %s pixels: the order matters, and the serial sum is what comes back', (_label, rect) => {
    const rnd = lcg(11);
    // 40 rows of values in [0.5, 1), then 12 rows of values in [5e-14, 7.5e-14]. The serial sum
    // is near 1900 by then, where half a unit in the last place (1.1e-13) is more than each tiny
    // value, so every one of them rounds away; each of the four accumulators is near 475, where
    // half a unit (2.8e-14) is less, so each tiny value adds a unit there. The exactness test
    // sees the tiny values (multiples of 2^-68) and sums serially.
    const prob = rectMap(width, height, rect, (_x, y) => (y < rect.y0 + 40 ? 0.5 + 0.49 * rnd() : 5e-14 * (1 + 0.5 * rnd())));
    const want = serialMean(prob, width, rect);
    // The case discriminates: summed in the four-accumulator order, the mean is another double.
    expect(laneMean(prob, width, rect)).not.toBe(want);
    expect(onlyScore(prob, width, height, { thresh: 0 })).toBe(want);
  });

  test('zeros, negatives and a subnormal: the whole map is the region (thresh -2), summed serially', () => {
    const w = 41;
    const h = 29;
    const rnd = lcg(5);
    const prob = new Float32Array(w * h);
    for (let k = 0; k < prob.length; k++) prob[k] = k % 9 === 0 ? 0 : 2 * rnd() - 1;
    prob[100] = 1e-40; // subnormal in float32
    const whole: Rect = { x0: 0, y0: 0, x1: w - 1, y1: h - 1 };
    expect(onlyScore(prob, w, h, { thresh: -2 })).toBe(serialMean(prob, w, whole));
  });

  test('zeros and negatives without tiny values (the four-accumulator form), whole map', () => {
    const w = 37;
    const h = 23;
    const rnd = lcg(9);
    const prob = new Float32Array(w * h);
    for (let k = 0; k < prob.length; k++) prob[k] = k % 5 === 0 ? 0 : Math.fround(2 * rnd() - 1) || 0.25;
    const whole: Rect = { x0: 0, y0: 0, x1: w - 1, y1: h - 1 };
    expect(onlyScore(prob, w, h, { thresh: -2 })).toBe(serialMean(prob, w, whole));
  });
});
