import * as tf from '@tensorflow/tfjs';
import { conv2dFilterGradNhwc } from '../../src/tfjs/cpu_conv_filter_grad';
import { sliceStrided } from '../../src/tfjs/cpu_slice';
import { useFastCpuKernels } from '../../src/tfjs/fast_cpu_kernels';
import { cpu } from '../trainer/tiny';

beforeAll(cpu);

const KERNELS = ['Conv2DBackpropFilter', 'Slice', 'SplitV'];

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
    const x = tf.tensor4d(noise(xs.reduce((a, b) => a * b), 11), xs as [number, number, number, number]);
    const filterShape = fs as [number, number, number, number];
    const run = () =>
      tf.tidy(() => {
        const y = tf.conv2d(x, tf.zeros(filterShape), strides, pad);
        const dy = tf.tensor4d(noise(y.size, 29), y.shape as [number, number, number, number]);
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
});
