import * as tf from '@tensorflow/tfjs';
import { conv2dFilterGradNhwc } from '../../src/tfjs/cpu_conv_filter_grad';
import { broadcastBinary, negate } from '../../src/tfjs/cpu_elementwise';
import { sumOverAxes, transposeFlat } from '../../src/tfjs/cpu_permuted';
import { resizeBilinearGradNhwc } from '../../src/tfjs/cpu_resize_bilinear_grad';
import { sliceStrided } from '../../src/tfjs/cpu_slice';
import { dbLoss } from '../../src/demo/db_loss';
import { buildDbNet } from '../../src/demo/dbnet';
import { useFastCpuKernels } from '../../src/tfjs/fast_cpu_kernels';
import { cpu } from '../trainer/tiny';

beforeAll(cpu);

const KERNELS = [
  'Conv2DBackpropFilter', 'Slice', 'SplitV', 'Sum', 'Transpose', 'Add', 'Sub', 'Multiply', 'RealDiv', 'Neg',
  'Conv2D', 'Conv2DBackpropInput', 'FusedConv2D', 'Relu', 'Step', 'ResizeBilinearGrad',
];

/** Runs `fn` once with tfjs's own kernels and once with ours; returns both results' bits. */
function both<T>(fn: () => T): { theirs: T; ours: T } {
  const theirs = fn();
  const patch = useFastCpuKernels(tf);
  expect(patch.installed).toEqual(KERNELS);
  try {
    return { theirs, ours: fn() };
  } finally {
    patch.restore();
  }
}

/** Deterministic pseudo-random floats with a wide spread of magnitudes (so sums round). */
function noise(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = ((s / 2 ** 32 - 0.5) * 2 ** ((s >>> 27) - 8)) as number;
  }
  return out;
}

/**
 * Half the values ±2^60, half small (±1 .. ±2), so a float64 total depends on the order of its
 * additions even after rounding to float32: a small value added while the running total is
 * ±k·2^60 is lost, one added while the big values have cancelled so far is kept, and whenever a
 * total's big values cancel out, what is left of the small ones shows in the result.
 */
function cancellingNoise(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    // High bits: an LCG's low bits repeat with short periods.
    const sign = s >>> 31 ? -1 : 1;
    out[i] = sign * ((s >>> 30) & 1 ? 2 ** 60 : 1 + ((s >>> 12) & 0xffff) / 65536);
  }
  return out;
}

function bits(a: ArrayLike<number>): number[] {
  return Array.from(new Uint32Array(Float32Array.from(a).buffer));
}

describe('useFastCpuKernels', () => {
  it('installs on the cpu backend once, and restore() puts tfjs kernels back', () => {
    const original = KERNELS.map((k) => tf.getKernel(k, 'cpu')?.kernelFunc);
    const patch = useFastCpuKernels(tf);
    expect(patch.installed).toEqual(KERNELS);
    expect(KERNELS.map((k) => tf.getKernel(k, 'cpu')?.kernelFunc)).not.toContain(original[0]);
    // A second call while installed replaces nothing (and its restore must not undo the first).
    const again = useFastCpuKernels(tf);
    expect(again.installed).toEqual([]);
    again.restore();
    expect(tf.getKernel('Slice', 'cpu')?.kernelFunc).not.toBe(original[1]);
    patch.restore();
    expect(KERNELS.map((k) => tf.getKernel(k, 'cpu')?.kernelFunc)).toEqual(original);
    patch.restore(); // idempotent
    expect(KERNELS.map((k) => tf.getKernel(k, 'cpu')?.kernelFunc)).toEqual(original);
  });

  it.each([undefined, null, 1, {}, { getKernel: () => undefined }])('rejects %p instead of tfjs with a typed error', (bad) => {
    expect(() => useFastCpuKernels(bad as never)).toThrow(expect.objectContaining({ name: 'OcrPerfkitTypeError', code: 'ERR_INVALID_ARGUMENT' }));
  });

  it.each([
    { name: '3x3 same, stride 1', x: [2, 7, 9, 3], f: [3, 3, 3, 4], strides: 1, pad: 'same' as const },
    { name: '3x3 same, stride 2, odd sizes', x: [3, 11, 8, 2], f: [3, 3, 2, 5], strides: 2, pad: 'same' as const },
    { name: '3x3 valid, stride (2,1)', x: [1, 9, 10, 4], f: [3, 3, 4, 2], strides: [2, 1] as [number, number], pad: 'valid' as const },
    { name: '1x1', x: [4, 5, 6, 8], f: [1, 1, 8, 3], strides: 1, pad: 'valid' as const },
    { name: '5x2 explicit pad 1', x: [2, 8, 7, 1], f: [5, 2, 1, 6], strides: 1, pad: 1 },
  ])('Conv2DBackpropFilter is bit-identical to tfjs: $name', ({ x: xs, f: fs, strides, pad }) => {
    const x = tf.tensor4d(cancellingNoise(xs.reduce((a, b) => a * b), 11), xs as [number, number, number, number]);
    const filterShape = fs as [number, number, number, number];
    const run = () =>
      tf.tidy(() => {
        const y = tf.conv2d(x, tf.zeros(filterShape), strides, pad);
        const dy = tf.tensor4d(cancellingNoise(y.size, 29), y.shape as [number, number, number, number]);
        const grad = tf.grad((w: tf.Tensor) => tf.conv2d(x, w as tf.Tensor4D, strides, pad).mul(dy).sum());
        return grad(tf.zeros(filterShape)).dataSync().slice();
      });
    const { theirs, ours } = both(run);
    expect(ours.length).toBe(filterShape.reduce((a, b) => a * b));
    expect(bits(ours)).toEqual(bits(theirs));
    expect(theirs.some((v) => v !== 0)).toBe(true);
    x.dispose();
  });

  it('conv2dFilterGradNhwc matches a direct sum on a hand-sized case', () => {
    // x: 1x3x3x1 = 1..9, dy: 1x3x3x1 all ones, 3x3 filter, 'same' padding (1 each side):
    // dW[wR][wC] = sum of the x window shifted by (wR - 1, wC - 1).
    const x = Float32Array.from({ length: 9 }, (_, i) => i + 1);
    const dy = new Float32Array(9).fill(1);
    const info = {
      batchSize: 1, inHeight: 3, inWidth: 3, inChannels: 1, outHeight: 3, outWidth: 3, outChannels: 1,
      strideHeight: 1, strideWidth: 1, filterHeight: 3, filterWidth: 3, dilationHeight: 1, dilationWidth: 1,
      padInfo: { top: 1, left: 1 }, filterShape: [3, 3, 1, 1] as [number, number, number, number],
    };
    // Centre: all nine (45); top-left tap sees rows 0-1, cols 0-1 (1+2+4+5 = 12); and so on.
    expect(Array.from(conv2dFilterGradNhwc(x, dy, info))).toEqual([12, 21, 16, 27, 45, 33, 24, 39, 28]);
  });

  it.each([
    { shape: [2, 3, 4, 2], begin: [0, 0, 0, 1], size: [2, 3, 4, 1] },
    { shape: [2, 3, 4, 5], begin: [1, 1, 1, 2], size: [1, 2, 3, 2] },
    { shape: [4, 6], begin: [1, 2], size: [3, 3] },
    { shape: [3, 1, 5], begin: [0, 0, 4], size: [3, 1, 1] },
    { shape: [2, 3, 4, 2], begin: [0, 0, 0, 0], size: [2, 3, 4, 2] }, // contiguous: tfjs's own path
    { shape: [2, 3, 4, 2], begin: [0, 1, 0, 0], size: [2, 0, 4, 2] }, // empty
  ])('Slice equals tfjs for $shape from $begin size $size (float32, int32, bool)', ({ shape, begin, size }) => {
    const n = shape.reduce((a, b) => a * b);
    const inputs = [
      tf.tensor(noise(n, 3), shape, 'float32'),
      tf.tensor(Int32Array.from({ length: n }, (_, i) => i * 7 - 50), shape, 'int32'),
      tf.tensor(Int32Array.from({ length: n }, (_, i) => (i * 5) % 3 === 0 ? 1 : 0), shape, 'bool'),
    ];
    for (const t of inputs) {
      const run = () => tf.tidy(() => Array.from(tf.slice(t, begin, size).dataSync()));
      const { theirs, ours } = both(run);
      expect(ours).toEqual(theirs);
      t.dispose();
    }
  });

  it('SplitV equals tfjs on the last axis and the first, and in the concat gradient', () => {
    const x = tf.tensor4d(noise(2 * 3 * 4 * 5, 5), [2, 3, 4, 5]);
    const run = () =>
      tf.tidy(() => [
        ...tf.split(x, [2, 1, 2], -1).map((t) => Array.from(t.dataSync())),
        ...tf.split(x, 2, 0).map((t) => Array.from(t.dataSync())),
        Array.from(
          tf
            .grad((a: tf.Tensor) => tf.concat([a, a.mul(2)], -1).mul(tf.range(0, 120).reshape([2, 3, 2, 10])).sum())(
              x.slice([0, 0, 0, 0], [2, 3, 2, 5]),
            )
            .dataSync(),
        ),
      ]);
    const { theirs, ours } = both(run);
    expect(ours).toEqual(theirs);
    expect(ours).toHaveLength(6);
    x.dispose();
  });

  it('sliceStrided copies the requested box in row-major order', () => {
    // 3x4 of 0..11; rows 1-2, columns 1-2.
    const v = Float32Array.from({ length: 12 }, (_, i) => i);
    expect(Array.from(sliceStrided(v, [3, 4], [1, 1], [2, 2], 'float32'))).toEqual([5, 6, 9, 10]);
    expect(Array.from(sliceStrided(Int32Array.from([4]), [], [], [], 'int32'))).toEqual([4]);
  });

  it('string tensors still go through tfjs (not copied as numbers)', () => {
    const s = tf.tensor([['a', 'b'], ['c', 'd']], [2, 2], 'string');
    const { theirs, ours } = both(() => tf.tidy(() => tf.slice(s, [0, 1], [2, 1]).arraySync()));
    expect(ours).toEqual([['b'], ['d']]);
    expect(ours).toEqual(theirs);
    s.dispose();
  });

  it('a DBNet-like training step gives the same weights with and without the kernels', async () => {
    const step = () => {
      const model = tf.sequential({
        layers: [
          tf.layers.conv2d({ inputShape: [16, 24, 1], filters: 3, kernelSize: 3, strides: 2, padding: 'same', kernelInitializer: tf.initializers.glorotNormal({ seed: 3 }) }),
          tf.layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same', kernelInitializer: tf.initializers.glorotNormal({ seed: 4 }) }),
        ],
      });
      const opt = tf.train.sgd(0.1);
      const xs = tf.tensor4d(noise(2 * 16 * 24, 8), [2, 16, 24, 1]);
      opt.minimize(() => {
        const y = model.apply(xs) as tf.Tensor4D;
        const [p, t] = tf.split(y, 2, -1);
        return tf.add((p as tf.Tensor).square().mean(), (t as tf.Tensor).abs().mean()) as tf.Scalar;
      });
      const w = model.getWeights().map((v) => Array.from(v.dataSync()));
      xs.dispose();
      model.dispose();
      opt.dispose();
      return w;
    };
    const { theirs, ours } = both(step);
    expect(ours.map(bits)).toEqual(theirs.map(bits));
  });
  describe('ResizeBilinearGrad', () => {
    type Case = { shape: [number, number, number, number]; size: [number, number]; alignCorners: boolean; halfPixelCenters: boolean };
    const resize = (x: tf.Tensor4D, c: Case) => tf.image.resizeBilinear(x, c.size, c.alignCorners, c.halfPixelCenters);
    const cases: Case[] = [];
    for (const [shape, size] of [
      [[1, 3, 5, 2], [6, 10]], // upsampling, non-square
      [[2, 4, 3, 1], [7, 9]], // uneven factors, taller than wide
      [[1, 6, 4, 3], [3, 2]], // downsampling
      [[1, 1, 4, 1], [5, 1]], // a single row and a single output column
    ] as Array<[Case['shape'], Case['size']]>) {
      for (const alignCorners of [false, true]) {
        for (const halfPixelCenters of [false, true]) {
          if (!(alignCorners && halfPixelCenters)) cases.push({ shape, size, alignCorners, halfPixelCenters }); // tfjs rejects both
        }
      }
    }

    it.each(cases)('is the transpose of the forward resize: $shape to $size, alignCorners $alignCorners, halfPixelCenters $halfPixelCenters', (c) => {
      // The resize is linear, so d(sum(resize(x) * dy))/dx[i] = sum(resize(e_i) * dy) for the
      // unit tensor e_i: the forward kernel alone gives every element of the expected gradient.
      const n = c.shape.reduce((a, b) => a * b);
      const [b, h, w, d] = c.shape;
      const dy = tf.tensor4d(noise(b * c.size[0] * c.size[1] * d, 17), [b, c.size[0], c.size[1], d]);
      const expected = new Float64Array(n);
      const magnitude = new Float64Array(n); // sum of |term|: float32 sums of these are good to ~1e-6 of it
      for (let i = 0; i < n; i++) {
        const unit = new Float32Array(n);
        unit[i] = 1;
        tf.tidy(() => {
          const r = resize(tf.tensor4d(unit, c.shape), c);
          expected[i] = r.mul(dy).sum().dataSync()[0] as number;
          magnitude[i] = r.abs().mul(dy.abs()).sum().dataSync()[0] as number;
        });
      }
      const patch = useFastCpuKernels(tf);
      try {
        const g = tf.tidy(() => {
          const grad = tf.grad((x: tf.Tensor) => resize(x as tf.Tensor4D, c).mul(dy).sum())(tf.zeros(c.shape));
          return { shape: grad.shape, values: Array.from(grad.dataSync()) };
        });
        expect(g.shape).toEqual([b, h, w, d]);
        const worst = Math.max(...g.values.map((v, i) => Math.abs(v - (expected[i] as number)) / ((magnitude[i] as number) + 1e-30)));
        expect(worst).toBeLessThan(1e-5);
        expect(g.values.some((v) => v !== 0)).toBe(true);
      } finally {
        patch.restore();
        dy.dispose();
      }
    });

    it("fixes tfjs's own kernel, which returns non-square gradients with height and width swapped", () => {
      const x = tf.zeros([1, 3, 5, 1]);
      const lossGrad = () => tf.tidy(() => tf.grad((t: tf.Tensor) => tf.image.resizeBilinear(t as tf.Tensor4D, [6, 10]).sum())(x).shape);
      // If this starts passing, tfjs has fixed its kernel and the replacement can go.
      expect(lossGrad).toThrow(/gradient of input 'images' has shape '1,5,3,1'/);
      const patch = useFastCpuKernels(tf);
      try {
        expect(lossGrad()).toEqual([1, 3, 5, 1]);
      } finally {
        patch.restore();
        x.dispose();
      }
    });

    it.each([false, true])('is bit-identical to tfjs where tfjs was right (square, alignCorners %p)', (alignCorners) => {
      const x = tf.tensor4d(noise(2 * 5 * 5 * 3, 23), [2, 5, 5, 3]);
      const dy = tf.tensor4d(noise(2 * 12 * 12 * 3, 31), [2, 12, 12, 3]);
      const run = () =>
        tf.tidy(() => tf.grad((t: tf.Tensor) => tf.image.resizeBilinear(t as tf.Tensor4D, [12, 12], alignCorners).mul(dy).sum())(x).dataSync().slice());
      const { theirs, ours } = both(run);
      expect(bits(ours)).toEqual(bits(theirs));
      x.dispose();
      dy.dispose();
    });

    it('resizeBilinearGradNhwc sums a 2x upsampling by hand', () => {
      // 1x1x2x1 source, resized to 1x1x4: output columns read source positions 0, 0.5, 1, 1.5
      // (the last clamped to column 1), so column 0 gets 1 + 0.5 and column 1 gets 0.5 + 1 + 1
      // from an all-ones gradient (the clamped position puts its 0.5 + 0.5 on column 1).
      const g = { batch: 1, inHeight: 1, inWidth: 2, depth: 1, outHeight: 1, outWidth: 4, alignCorners: false, halfPixelCenters: false };
      expect(Array.from(resizeBilinearGradNhwc(new Float32Array(4).fill(1), g))).toEqual([1.5, 2.5]);
      // alignCorners: positions 0, 1/3, 2/3, 1.
      expect(Array.from(resizeBilinearGradNhwc(Float32Array.from([3, 3, 3, 3]), { ...g, alignCorners: true }))).toEqual([6, 6]);
    });
  });
  describe('Sum and Transpose', () => {
    const SUMS: Array<{ shape: number[]; axis: number | number[] }> = [
      { shape: [3, 5, 7, 4], axis: [0, 1, 2] }, // a conv bias gradient
      { shape: [3, 5, 7, 4], axis: [0, 2] }, // kept axes between reduced ones
      { shape: [3, 5, 7, 4], axis: [2, 0] }, // reduced axes given out of order: tfjs sums in that order
      { shape: [3, 5, 7, 4], axis: [0, 3] }, // the last axis reduced, but not only the innermost
      { shape: [6, 5, 9], axis: [0, 2] },
      { shape: [3, 5, 7, 4], axis: [-4, -2, 1] },
      { shape: [6, 9], axis: 0 },
      { shape: [4, 1, 6], axis: [1, 0] },
      { shape: [2, 0, 3], axis: [0] }, // empty: zeros of shape [0, 3]
      { shape: [2, 0, 3], axis: [1] }, // reduces an empty axis: zeros
      { shape: [3, 5, 7, 4], axis: [2, 3] }, // innermost: tfjs's own path
      { shape: [3, 5, 7, 4], axis: [0, 1, 2, 3] },
    ];
    it.each(SUMS)('Sum over $axis of $shape is bit-identical to tfjs (float32 and int32, keepDims both)', ({ shape, axis }) => {
      const n = shape.reduce((a, b) => a * b, 1);
      const inputs = [
        tf.tensor(cancellingNoise(n, 41), shape, 'float32'),
        tf.tensor(Int32Array.from({ length: n }, (_, i) => ((i * 2654435761) | 0) >> 3), shape, 'int32'),
      ];
      for (const t of inputs) {
        for (const keepDims of [false, true]) {
          const run = () => tf.tidy(() => { const r = tf.sum(t, axis, keepDims); return { shape: r.shape, dtype: r.dtype, v: Array.from(r.dataSync()) }; });
          const { theirs, ours } = both(run);
          expect(ours.shape).toEqual(theirs.shape);
          expect(ours.dtype).toEqual(theirs.dtype);
          expect(bits(ours.v)).toEqual(bits(theirs.v));
        }
        t.dispose();
      }
    });

    it('sumOverAxes adds in tfjs order, so the float32 totals round the same way', () => {
      // [3, 2] summed over axis 0. Column 0, [2^60, 1, -2^60]: (2^60 + 1) loses the 1, so 0.
      // Column 1, [1, 2^60, -2^60]: (1 + 2^60) loses it too, so 0 (either column summed with the
      // two big values first would give 1).
      const v = Float32Array.from([2 ** 60, 1, 1, 2 ** 60, -(2 ** 60), -(2 ** 60)]);
      expect(sumOverAxes(v, [3, 2], [0], 'float32')).toEqual({ values: Float32Array.from([0, 0]), shape: [2] });
      const t = Float32Array.from([2 ** 60, -(2 ** 60), 1, 1]);
      // [2, 2] over [1, 0] (out of order): 2^60, then 1 (row 1, col 0), then -2^60, then 1: 1.
      expect(Array.from(sumOverAxes(t, [2, 2], [1, 0], 'float32').values)).toEqual([1]);
      // Over [0, 1]: 2^60 - 2^60 + 1 + 1 = 2.
      expect(Array.from(sumOverAxes(t, [2, 2], [0, 1], 'float32').values)).toEqual([2]);
      // Out of order: [2, 3] summed over [1, 0] walks column by column... of a single output.
      const w = Float32Array.from([1, 2, 3, 4, 5, 6]);
      expect(Array.from(sumOverAxes(w, [2, 3], [1, 0], 'float32').values)).toEqual([21]);
      // int32 totals wrap as tfjs's Int32Array store does.
      expect(Array.from(sumOverAxes(Int32Array.from([2 ** 31 - 1, 1]), [2], [0], 'int32').values)).toEqual([-(2 ** 31)]);
    });

    it.each([
      { shape: [2, 3, 4], perm: [2, 0, 1] },
      { shape: [2, 3, 4, 5], perm: [0, 3, 1, 2] },
      { shape: [5, 6], perm: [1, 0] },
      { shape: [3, 1, 4], perm: [0, 1, 2] },
      { shape: [2, 0, 3], perm: [2, 1, 0] },
    ])('Transpose $perm of $shape equals tfjs (float32, int32, bool)', ({ shape, perm }) => {
      const n = shape.reduce((a, b) => a * b, 1);
      const inputs = [
        tf.tensor(noise(n, 7), shape, 'float32'),
        tf.tensor(Int32Array.from({ length: n }, (_, i) => i * 3 - 20), shape, 'int32'),
        tf.tensor(Int32Array.from({ length: n }, (_, i) => (i % 3 === 1 ? 1 : 0)), shape, 'bool'),
      ];
      for (const t of inputs) {
        const run = () => tf.tidy(() => { const r = tf.transpose(t, perm); return { shape: r.shape, v: Array.from(r.dataSync()) }; });
        const { theirs, ours } = both(run);
        expect(ours).toEqual(theirs);
        t.dispose();
      }
    });

    it('transposeFlat reorders a 2x3 by hand', () => {
      expect(Array.from(transposeFlat(Float32Array.from([1, 2, 3, 4, 5, 6]), [2, 3], [1, 0], 'float32'))).toEqual([1, 4, 2, 5, 3, 6]);
    });
  });
  describe('element-wise arithmetic', () => {
    const PAIRS: Array<[number[], number[]]> = [
      [[2, 3, 4, 5], [2, 3, 4, 5]],
      [[1, 1, 1, 1], [2, 6, 5, 1]], // a [1, 1, 1, 1] factor (the demo's loss has one)
      [[2, 6, 5, 4], [4]], // a per-channel bias
      [[3, 1, 5], [1, 4, 1]], // both broadcast
      [[4, 1], [3, 1, 6]], // ranks differ, size-1 axes on both sides
      [[], [2, 3]], // a scalar
      [[2, 3], []],
      [[2, 0, 3], [1, 3]], // empty
    ];
    const OPS = [
      ['add', (a: tf.Tensor, b: tf.Tensor) => tf.add(a, b)],
      ['sub', (a: tf.Tensor, b: tf.Tensor) => tf.sub(a, b)],
      ['mul', (a: tf.Tensor, b: tf.Tensor) => tf.mul(a, b)],
      ['div', (a: tf.Tensor, b: tf.Tensor) => tf.div(a, b)],
    ] as const;
    /** Noise with zeros, infinities and NaNs mixed in, so the ops' special cases are compared too. */
    function specials(n: number, seed: number): Float32Array {
      const v = cancellingNoise(n, seed);
      const extra = [0, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN, 3e38, 1e-45];
      for (let i = 0; i < n; i += 3) v[i] = extra[(i / 3) % extra.length] as number;
      return v;
    }

    it.each(PAIRS)('Add, Sub, Multiply and RealDiv of %p and %p are bit-identical to tfjs', (aShape, bShape) => {
      const a = tf.tensor(specials(aShape.reduce((x, y) => x * y, 1), 51), aShape, 'float32');
      const b = tf.tensor(specials(bShape.reduce((x, y) => x * y, 1), 53), bShape, 'float32');
      for (const [name, f] of OPS) {
        for (const [x, y] of [[a, b], [b, a]] as const) {
          const run = () => tf.tidy(() => { const r = f(x, y); return { shape: r.shape, v: bits(r.dataSync()) }; });
          const { theirs, ours } = both(run);
          expect({ name, ...ours }).toEqual({ name, ...theirs });
        }
      }
      a.dispose();
      b.dispose();
    });

    it('leaves int32 arithmetic and bad shapes to tfjs', () => {
      const i = tf.tensor([7, -3, 2 ** 30], [3], 'int32');
      const { theirs, ours } = both(() => tf.tidy(() => Array.from(tf.mul(i, i).dataSync())));
      expect(ours).toEqual(theirs);
      const patch = useFastCpuKernels(tf);
      try {
        expect(() => tf.add(tf.zeros([2, 3]), tf.zeros([4]))).toThrow(/broadcast/);
      } finally {
        patch.restore();
        i.dispose();
      }
    });

    it('Neg is bit-identical to tfjs, and the loops give hand-computed values', () => {
      const x = tf.tensor(specials(40, 9), [5, 8], 'float32');
      const { theirs, ours } = both(() => tf.tidy(() => bits(tf.neg(x).dataSync())));
      expect(ours).toEqual(theirs);
      x.dispose();
      expect(Array.from(negate(Float32Array.from([1.5, -2, 0])))).toEqual([-1.5, 2, -0]);
      // [2, 1] * [3] -> [2, 3]: rows scaled by 1 and 10.
      expect(Array.from(broadcastBinary('mul', Float32Array.from([1, 10]), [2, 1], Float32Array.from([1, 2, 3]), [3], [2, 3]))).toEqual([1, 2, 3, 10, 20, 30]);
      expect(Array.from(broadcastBinary('sub', Float32Array.from([5]), [], Float32Array.from([1, 2]), [2], [2]))).toEqual([4, 3]);
    });
  });
  describe('Conv2D, FusedConv2D, Relu and Step', () => {
    const CONVS = [
      { name: '3x3 same', x: [2, 9, 11, 3], f: [3, 3, 3, 4], strides: 1, pad: 'same' as const, dilations: 1 },
      { name: '3x3 same, stride 2, odd sizes', x: [1, 13, 10, 2], f: [3, 3, 2, 5], strides: 2, pad: 'same' as const, dilations: 1 },
      { name: '3x3 valid, stride (2, 1)', x: [2, 9, 10, 4], f: [3, 3, 4, 2], strides: [2, 1] as [number, number], pad: 'valid' as const, dilations: 1 },
      { name: '3x3 same, dilation 2', x: [1, 12, 9, 2], f: [3, 3, 2, 3], strides: 1, pad: 'same' as const, dilations: 2 },
      { name: '5x2 explicit pad 1', x: [2, 8, 7, 1], f: [5, 2, 1, 6], strides: 1, pad: 1, dilations: 1 },
      { name: '1x1, 16 channels out', x: [1, 6, 5, 8], f: [1, 1, 8, 16], strides: 1, pad: 'valid' as const, dilations: 1 },
      { name: 'kernel wider than the image', x: [1, 4, 3, 2], f: [5, 5, 2, 2], strides: 1, pad: 'same' as const, dilations: 1 },
      { name: '3x3, 24 channels out', x: [1, 6, 5, 2], f: [3, 3, 2, 24], strides: 1, pad: 'same' as const, dilations: 1 },
    ];
    it.each(CONVS)('Conv2D is bit-identical to tfjs: $name', ({ x: xs, f: fs, strides, pad, dilations }) => {
      const x = tf.tensor4d(cancellingNoise(xs.reduce((a, b) => a * b), 61), xs as [number, number, number, number]);
      const f = tf.tensor4d(noise(fs.reduce((a, b) => a * b), 67), fs as [number, number, number, number]);
      const run = () => tf.tidy(() => { const y = tf.conv2d(x, f, strides, pad, 'NHWC', dilations); return { shape: y.shape, v: bits(y.dataSync()) }; });
      const { theirs, ours } = both(run);
      expect(ours).toEqual(theirs);
      x.dispose();
      f.dispose();
    });

    // tfjs computes dilated convolutions' input gradient another way (not this kernel).
    it.each(CONVS.filter((c) => c.dilations === 1))('Conv2DBackpropInput is bit-identical to tfjs: $name', ({ x: xs, f: fs, strides, pad }) => {
      // Both factors cancelling: big x big products cancel exactly, so the float64 sums depend on their order.
      const f = tf.tensor4d(cancellingNoise(fs.reduce((a, b) => a * b), 89), fs as [number, number, number, number]);
      const y = tf.conv2d(tf.zeros(xs as [number, number, number, number]) as tf.Tensor4D, f, strides, pad);
      const dy = tf.tensor4d(cancellingNoise(y.size, 97), y.shape as [number, number, number, number]);
      const run = () =>
        tf.tidy(() => {
          const g = tf.grad((x: tf.Tensor) => tf.conv2d(x as tf.Tensor4D, f, strides, pad).mul(dy).sum())(tf.zeros(xs as [number, number, number, number]));
          return { shape: g.shape, v: bits(g.dataSync()) };
        });
      const { theirs, ours } = both(run);
      expect(ours).toEqual(theirs);
      expect(ours.v.some((b) => b !== 0)).toBe(true);
      tf.dispose([f, y, dy]);
    });

    it.each([
      { activation: 'relu' as const, withBias: true },
      { activation: 'linear' as const, withBias: true },
      { activation: 'relu' as const, withBias: false },
      { activation: 'elu' as const, withBias: true }, // tfjs's kernel
    ])('FusedConv2D ($activation, bias $withBias) is bit-identical to tfjs', ({ activation, withBias }) => {
      const x = tf.tensor4d(cancellingNoise(2 * 9 * 7 * 3, 71), [2, 9, 7, 3]);
      const f = tf.tensor4d(noise(3 * 3 * 3 * 4, 73), [3, 3, 3, 4]);
      const bias = withBias ? tf.tensor1d(noise(4, 79)) : undefined;
      const run = () =>
        tf.tidy(() => {
          const y = tf.fused.conv2d({ x, filter: f, strides: 1, pad: 'same', bias, activation });
          return { shape: y.shape, v: bits(y.dataSync()) };
        });
      const { theirs, ours } = both(run);
      expect(ours).toEqual(theirs);
      tf.dispose([x, f, ...(bias ? [bias] : [])]);
    });

    it('Relu and Step are bit-identical to tfjs, NaN, infinities and signed zeros included', () => {
      const v = cancellingNoise(60, 83);
      const extra = [0, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN];
      for (let i = 0; i < v.length; i += 4) v[i] = extra[(i / 4) % extra.length] as number;
      const x = tf.tensor2d(v, [6, 10]);
      const run = () => tf.tidy(() => [tf.relu(x), tf.step(x), tf.step(x, 0.25)].map((t) => bits(t.dataSync())));
      const { theirs, ours } = both(run);
      expect(ours).toEqual(theirs);
      x.dispose();
    });
  });
  it("two Adam steps of the demo's DBNet on DB targets give the same weights with and without the kernels", () => {
    // The main job's model and loss on a non-square page: every replaced kernel but the bilinear
    // gradient runs here (convolutions, fused conv, bias sums, broadcast arithmetic, relu/step,
    // the concat's split), so any rounding difference shows in the weights.
    const [h, w] = [48, 32];
    const xs = tf.tensor4d(noise(2 * h * w, 101).map((v) => Math.abs(v) % 1), [2, h, w, 1]);
    const ys = tf.tidy(() => {
      const gt = tf.tensor4d(noise(2 * h * w, 103).map((v) => (v > 0.5 ? 1 : 0)), [2, h, w, 1]);
      const thresh = tf.tensor4d(noise(2 * h * w, 107).map((v) => 0.3 + 0.4 * (Math.abs(v) % 1)), [2, h, w, 1]);
      return tf.concat([gt, tf.onesLike(gt), thresh, tf.onesLike(gt)], -1);
    });
    const train = () => {
      const model = buildDbNet(tf, { height: h, width: w, baseChannels: 4, seed: 5 });
      const opt = tf.train.adam(0.01);
      for (let i = 0; i < 2; i++) opt.minimize(() => dbLoss(tf, ys, model.apply(xs) as tf.Tensor4D), true)?.dispose();
      const weights = model.getWeights().map((v) => bits(v.dataSync()));
      model.dispose();
      opt.dispose();
      return weights;
    };
    const { theirs, ours } = both(train);
    expect(ours).toEqual(theirs);
    expect(theirs.flat().length).toBeGreaterThan(1000);
    tf.dispose([xs, ys]);
  });
});
