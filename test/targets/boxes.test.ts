// boxesFromBitmap: boxes from maps rendered from known polygons come back within 1 px; empty
// maps give no boxes; touching regions merge into one box; scores, scaling and errors.
import { boxesFromBitmap, boxesFromBitmapAsync, makeDbTargets, type ReadonlyPoint as Point } from '../../src/targets';

const W = 200;
const H = 120;

/** Map with `value` at pixel centres inside the (convex, any orientation) polygon. */
function render(polys: Point[][], value = 1, w = W, h = H): Float32Array {
  const m = new Float32Array(w * h);
  for (const poly of polys) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let pos = 0;
        let neg = 0;
        for (let i = 0; i < poly.length; i++) {
          const [ax, ay] = poly[i] as Point;
          const [bx, by] = poly[(i + 1) % poly.length] as Point;
          const c = (bx - ax) * (y - ay) - (by - ay) * (x - ax);
          if (c > 1e-9) pos++;
          else if (c < -1e-9) neg++;
        }
        if (pos === 0 || neg === 0) m[y * w + x] = value;
      }
    }
  }
  return m;
}

/** Max per-coordinate error between corresponding corners, trying every cyclic shift. */
function cornerError(got: Point[], want: Point[]): number {
  let best = Number.POSITIVE_INFINITY;
  for (let s = 0; s < 4; s++) {
    let worst = 0;
    for (let i = 0; i < 4; i++) {
      const g = got[(i + s) % 4] as Point;
      const t = want[i] as Point;
      worst = Math.max(worst, Math.abs(g[0] - t[0]), Math.abs(g[1] - t[1]));
    }
    best = Math.min(best, worst);
  }
  return best;
}

describe('boxesFromBitmap', () => {
  it('recovers axis-aligned rectangles exactly, in TL, TR, BR, BL order, with their scores', () => {
    const a: Point[] = [
      [10, 10],
      [80, 10],
      [80, 30],
      [10, 30],
    ];
    const b: Point[] = [
      [100, 50],
      [190, 50],
      [190, 100],
      [100, 100],
    ];
    const boxes = boxesFromBitmap(render([a, b], 0.9), { width: W, height: H, unclipRatio: 0 });
    expect(boxes).toHaveLength(2);
    // In OpenCV's contour order, as DB gets them: the lower region first (reverse raster order).
    expect(boxes[0]?.points).toEqual(b);
    expect(boxes[1]?.points).toEqual(a);
    for (const box of boxes) expect(box.score).toBeCloseTo(0.9, 6);
  });

  it('recovers rotated rectangles within 1 px', () => {
    const rot = (cx: number, cy: number, w: number, h: number, deg: number): Point[] => {
      const t = (deg * Math.PI) / 180;
      return (
        [
          [-w / 2, -h / 2],
          [w / 2, -h / 2],
          [w / 2, h / 2],
          [-w / 2, h / 2],
        ] as Point[]
      ).map(([u, v]) => [cx + u * Math.cos(t) - v * Math.sin(t), cy + u * Math.sin(t) + v * Math.cos(t)] as Point);
    };
    for (const deg of [7, 15, 30, -20]) {
      const poly = rot(100, 60, 120, 30, deg);
      const boxes = boxesFromBitmap(render([poly]), { width: W, height: H, unclipRatio: 0 });
      expect(boxes).toHaveLength(1);
      expect(cornerError(boxes[0]?.points as Point[], poly)).toBeLessThanOrEqual(1);
    }
  });

  it('round trip through DB targets: shrink map + default unclip gives DB\'s (smaller) box', () => {
    const poly: Point[] = [
      [20, 20],
      [180, 20],
      [180, 60],
      [20, 60],
    ];
    const t = makeDbTargets([poly], { width: W, height: H });
    const boxes = boxesFromBitmap(t.shrinkMap, { width: W, height: H });
    expect(boxes).toHaveLength(1);
    // Shrunk by D = 6400 * 0.84 / 400 = 13.44: kernel pixels 34..166 x 34..46 (132 x 12 between
    // centres). Unclip grows that by 132 * 12 * 1.5 / 288 = 8.25, i.e. to about 25.75..174.25 x
    // 25.75..54.25: DB's default ratio does not undo its shrink for this aspect ratio.
    const want: Point[] = [
      [26, 26],
      [174, 26],
      [174, 54],
      [26, 54],
    ];
    expect(cornerError(boxes[0]?.points as Point[], want)).toBeLessThanOrEqual(1);
  });

  it('empty map: no boxes; touching regions: one box', () => {
    expect(boxesFromBitmap(new Float32Array(W * H), { width: W, height: H })).toEqual([]);
    const left: Point[] = [
      [10, 10],
      [60, 10],
      [60, 40],
      [10, 40],
    ];
    const right: Point[] = [
      [61, 10],
      [120, 10],
      [120, 40],
      [61, 40],
    ];
    const boxes = boxesFromBitmap(render([left, right]), { width: W, height: H, unclipRatio: 0 });
    expect(boxes.map((b) => b.points)).toEqual([
      [
        [10, 10],
        [120, 10],
        [120, 40],
        [10, 40],
      ],
    ]);
  });

  it('drops low-score and small candidates, scales to the destination size', () => {
    const a: Point[] = [
      [10, 10],
      [80, 10],
      [80, 30],
      [10, 30],
    ];
    const tiny: Point[] = [
      [150, 100],
      [151, 100],
      [151, 101],
      [150, 101],
    ];
    const map = render([a, tiny], 0.8);
    expect(boxesFromBitmap(map, { width: W, height: H, boxThresh: 0.85 })).toEqual([]);
    const scaled = boxesFromBitmap(map, { width: W, height: H, unclipRatio: 0, destWidth: 400, destHeight: 60 });
    expect(scaled.map((b) => b.points)).toEqual([
      [
        [20, 5],
        [160, 5],
        [160, 15],
        [20, 15],
      ],
    ]);
  });

  it('polygon output encloses the region; async gives the same result', async () => {
    const l: Point[] = [
      [20, 20],
      [120, 20],
      [120, 50],
      [60, 50],
      [60, 100],
      [20, 100],
    ];
    const map = new Float32Array(W * H);
    for (let y = 20; y <= 100; y++) for (let x = 20; x <= 120; x++) if (y <= 50 || x <= 60) map[y * W + x] = 1;
    const opts = { width: W, height: H, output: 'polygon' as const, unclipRatio: 0.5 };
    const polys = boxesFromBitmap(map, opts);
    expect(polys).toHaveLength(1);
    expect(polys[0]?.points.length).toBeGreaterThanOrEqual(6);
    const xs = polys[0]?.points.map((p) => p[0]) as number[];
    const ys = polys[0]?.points.map((p) => p[1]) as number[];
    expect(Math.min(...xs)).toBeLessThanOrEqual(l[0]?.[0] as number);
    expect(Math.max(...ys)).toBeGreaterThanOrEqual(100);
    expect(await boxesFromBitmapAsync(map, opts)).toEqual(polys);
  });

  it('the sync form reads the map in place and leaves it as it was; the async form reads a copy taken at the call', async () => {
    const map = new Float32Array(W * H);
    for (let y = 30; y <= 60; y++) for (let x = 25; x <= 110; x++) map[y * W + x] = 0.9;
    // A map that is a view into a larger buffer, at an offset: the native side must read the view.
    const backing = new Float32Array(W * H + 7);
    backing.set(map, 5);
    const view = backing.subarray(5, 5 + W * H);
    const before = Float32Array.from(backing);
    const opts = { width: W, height: H };
    const sync = boxesFromBitmap(view, opts);
    expect(sync).toHaveLength(1);
    expect(sync).toEqual(boxesFromBitmap(map, opts));
    expect(backing).toEqual(before);
    const pending = boxesFromBitmapAsync(view, opts);
    view.fill(0); // after the call: the async result is still the map's at the call
    expect(await pending).toEqual(sync);
    expect(boxesFromBitmap(view, opts)).toEqual([]);
  });

  it('bad input gives coded errors', async () => {
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return (e as { code: string }).code;
      }
      return 'none';
    };
    expect(code(() => boxesFromBitmap(new Float32Array(10), { width: W, height: H }))).toBe('ERR_BUFFER_SIZE');
    expect(code(() => boxesFromBitmap(new Float64Array(W * H) as never, { width: W, height: H }))).toBe(
      'ERR_INVALID_ARGUMENT',
    );
    expect(code(() => boxesFromBitmap(new Float32Array(4), { width: 0, height: 4 }))).toBe('ERR_OUT_OF_RANGE');
    expect(code(() => boxesFromBitmap(new Float32Array(4), { width: 2, height: 2, unclipRatio: -1 }))).toBe(
      'ERR_OUT_OF_RANGE',
    );
    await expect(boxesFromBitmapAsync(new Float32Array(3), { width: 2, height: 2 })).rejects.toMatchObject({
      code: 'ERR_BUFFER_SIZE',
    });
  });

  it('thresh is compared as a double, as numpy compares a float32 map with a Python float', () => {
    const above = Math.fround(0.3); // 0.30000001192…: the float nearest 0.3 lies above it
    const below = new Float32Array(new Uint32Array([new Uint32Array(new Float32Array([above]).buffer)[0]! - 1]).buffer)[0]!;
    expect(above).toBeGreaterThan(0.3);
    expect(below).toBeLessThan(0.3);
    const rect: Point[] = [[20, 20], [120, 20], [120, 60], [20, 60]];
    const count = (v: number, thresh: number) => boxesFromBitmap(render([rect], v), { width: W, height: H, thresh, boxThresh: 0 }).length;
    expect(count(above, 0.3)).toBe(1);
    expect(count(below, 0.3)).toBe(0);
    expect(count(above, above)).toBe(0); // not strictly above
    expect(count(above, below)).toBe(1);
    // Thresholds beyond float32's range: nothing is above 1e39; everything is above -1e39 (the
    // whole map is one region then, and its box the map's frame).
    expect(count(3e38, 1e39)).toBe(0);
    const all = boxesFromBitmap(render([rect], 0.5), { width: W, height: H, thresh: -1e39, boxThresh: 0, unclipRatio: 0 });
    expect(all).toHaveLength(1);
    expect(all[0]?.points).toEqual([[0, 0], [W - 1, 0], [W - 1, H - 1], [0, H - 1]]);
  });

  it('a NaN or infinite probability (a diverged model) is an error naming the pixel, never a NaN score', async () => {
    const opts = { width: W, height: H, boxThresh: 0.5 };
    const region = render([[[20, 20], [120, 20], [120, 60], [20, 60]]], 0.9);
    expect(boxesFromBitmap(region, opts)).toHaveLength(1);
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      // Inside the region (where it used to turn the box's score into NaN or Infinity) and outside it.
      for (const [x, y] of [[50, 40], [150, 100]] as const) {
        const map = region.slice();
        map[y * W + x] = bad;
        const what = Number.isNaN(bad) ? 'NaN' : 'infinite';
        const want = { code: 'ERR_OUT_OF_RANGE', message: expect.stringContaining(`x = ${x}, y = ${y} is ${what}`) };
        expect(() => boxesFromBitmap(map, opts)).toThrow(RangeError);
        expect(() => boxesFromBitmap(map, opts)).toThrow(expect.objectContaining(want));
        await expect(boxesFromBitmapAsync(map, opts)).rejects.toMatchObject(want);
      }
    }
    // The binarize pass reads sixteen values at a time, then one at a time for the rest: a bad value
    // in each of the sixteen lanes, and in the tail of a map whose size is not a multiple of 16.
    const w = 37;
    const h = 5; // 185 pixels: 11 blocks of 16, a tail of 9
    const small = render([[[2, 1], [30, 1], [30, 3], [2, 3]]], 0.9, w, h);
    const smallOpts = { width: w, height: h, boxThresh: 0.5, minSize: 1 };
    expect(boxesFromBitmap(small, smallOpts)).toHaveLength(1);
    for (const k of [...Array.from({ length: 16 }, (_, j) => 32 + j), 176, 184]) {
      const map = small.slice();
      map[k] = k % 2 === 0 ? Number.NaN : Number.POSITIVE_INFINITY;
      expect(() => boxesFromBitmap(map, smallOpts)).toThrow(expect.objectContaining({
        code: 'ERR_OUT_OF_RANGE',
        message: expect.stringContaining(`x = ${k % w}, y = ${Math.floor(k / w)} is`),
      }));
    }
    // The first non-finite pixel in row-major order is the one named.
    const map = new Float32Array(W * H).fill(Number.NaN);
    map[0] = 0.1;
    expect(() => boxesFromBitmap(map, opts)).toThrow(expect.objectContaining({ message: expect.stringContaining('x = 1, y = 0') }));
  });
});
