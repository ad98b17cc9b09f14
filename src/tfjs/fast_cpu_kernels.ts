/**
 * Faster kernels for TensorFlow.js's pure-JS `cpu` backend, where tfjs 4.x's own spend most of a
 * small conv net's training step in per-element `TensorBuffer` accessors. Each replacement gives
 * the original kernel's exact output (bit for bit) and hands every case it does not cover back
 * to the original kernel. One more replacement fixes a kernel instead: tfjs's `ResizeBilinearGrad`
 * returns a wrongly shaped gradient for non-square images (see cpu_resize_bilinear_grad.ts); ours
 * matches it bit for bit where it was right. Other backends (`tensorflow` from tfjs-node, `webgl`,
 * `wasm`) have kernels of their own and are never touched.
 */
import { OcrPerfkitTypeError } from '../errors';
import { type Conv2DForwardInfo, conv2dForwardNhwc } from './cpu_conv2d';
import { conv2dFilterGradNhwc } from './cpu_conv_filter_grad';
import { conv2dInputGradNhwc } from './cpu_conv_input_grad';
import { type BinaryOp, broadcastBinary, negate, reluValues, stepValues } from './cpu_elementwise';
import { isCpuNumericDtype } from './cpu_dtypes';
import { sumOverAxes, transposeFlat } from './cpu_permuted';
import { resizeBilinearGradNhwc } from './cpu_resize_bilinear_grad';
import { sliceStrided } from './cpu_slice';

interface TensorInfoLike {
  dataId: object;
  shape: number[];
  dtype: string;
}

interface CpuBackendLike {
  data: { get(dataId: object): { values: ArrayLike<number> } };
  makeTensorInfo(shape: number[], dtype: string, values: ArrayLike<number>): TensorInfoLike;
}

interface KernelArgs<I, A> {
  inputs: I;
  backend: CpuBackendLike;
  attrs: A;
}

/** A registered kernel (tfjs's `KernelConfig`). */
export interface KernelConfigLike {
  kernelName: string;
  backendName: string;
  kernelFunc: (args: never) => unknown;
}

/**
 * The slice of the tfjs namespace (any tfjs 4.x copy) that installing the kernels uses. Declared
 * as methods, so tfjs's own (narrower) parameter types are accepted.
 */
export interface TfKernelRegistry {
  getKernel(kernelName: string, backendName: string): KernelConfigLike | undefined;
  registerKernel(config: never): void;
  unregisterKernel(kernelName: string, backendName: string): void;
  backend_util: {
    computeConv2DInfo(
      inShape: number[],
      filterShape: number[],
      strides: unknown,
      dilations: unknown,
      pad: unknown,
      roundingMode: unknown,
      depthwise: boolean,
      dataFormat: 'channelsLast',
    ): Conv2DForwardInfo;
    prepareSplitSize(x: TensorInfoLike, numOrSizeSplits: unknown, axis: number): number[];
    assertAndGetBroadcastShape(shapeA: number[], shapeB: number[]): number[];
  };
  slice_util: {
    parseSliceParams(x: TensorInfoLike, begin: unknown, size: unknown): number[][];
    assertParamsValid(x: TensorInfoLike, begin: number[], size: number[]): void;
    isSliceContinous(shape: number[], begin: number[], size: number[]): boolean;
  };
  util: { parseAxisParam(axis: unknown, shape: number[]): number[] };
}

/** What {@link useFastCpuKernels} did, and how to undo it. */
export interface CpuKernelPatch {
  /** Names of the `cpu` kernels replaced by this call (empty when all already were, or tfjs lacks them). */
  installed: string[];
  /** Puts tfjs's own kernels back (leaves alone any that someone replaced since). */
  restore(): void;
}

const BACKEND = 'cpu';

function assertRegistry(tf: unknown): asserts tf is TfKernelRegistry {
  const t = tf as Partial<Record<string, unknown>> | null | undefined;
  const fn = (o: unknown, k: string) => typeof (o as Record<string, unknown> | undefined)?.[k] === 'function';
  const ok =
    typeof t === 'object' &&
    t !== null &&
    ['getKernel', 'registerKernel', 'unregisterKernel'].every((k) => fn(t, k)) &&
    fn(t.backend_util, 'computeConv2DInfo') &&
    fn(t.backend_util, 'prepareSplitSize') &&
    fn(t.backend_util, 'assertAndGetBroadcastShape') &&
    ['parseSliceParams', 'assertParamsValid', 'isSliceContinous'].every((k) => fn(t.slice_util, k)) &&
    fn(t.util, 'parseAxisParam');
  if (!ok) {
    throw new OcrPerfkitTypeError(
      'useFastCpuKernels: pass the tfjs namespace (require("@tensorflow/tfjs"), tfjs 4.x: getKernel, registerKernel, backend_util, slice_util)',
      'ERR_INVALID_ARGUMENT',
    );
  }
}
const MARK = Symbol.for('ocr-perfkit.fastCpuKernel');

type Impl = (args: KernelArgs<never, never>, original: (args: unknown) => TensorInfoLike) => TensorInfoLike;

/** tfjs's geometry of a channels-last convolution with these attributes. */
function convInfo(
  tf: TfKernelRegistry,
  inShape: number[],
  filterShape: number[],
  attrs: { strides: unknown; pad: unknown; dimRoundingMode?: string | undefined },
  dilations: unknown = 1,
): Conv2DForwardInfo {
  return tf.backend_util.computeConv2DInfo(inShape, filterShape, attrs.strides, dilations, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast');
}

function conv2dBackpropFilter(tf: TfKernelRegistry): Impl {
  type Attrs = {
    strides: number | [number, number];
    pad: unknown;
    dataFormat: 'NHWC' | 'NCHW';
    dimRoundingMode?: string;
    filterShape: [number, number, number, number];
  };
  return (args, original) => {
    const { inputs, backend, attrs } = args as KernelArgs<{ x: TensorInfoLike; dy: TensorInfoLike }, Attrs>;
    const { x, dy } = inputs;
    if (attrs.dataFormat === 'NCHW' || x.dtype !== 'float32' || dy.dtype !== 'float32') return original(args);
    const info = convInfo(tf, x.shape, attrs.filterShape, attrs);
    const dW = conv2dFilterGradNhwc(backend.data.get(x.dataId).values, backend.data.get(dy.dataId).values, info);
    return backend.makeTensorInfo(info.filterShape, 'float32', dW);
  };
}

function binary(tf: TfKernelRegistry, op: BinaryOp): Impl {
  return (args, original) => {
    const { inputs, backend } = args as KernelArgs<{ a: TensorInfoLike; b: TensorInfoLike }, unknown>;
    const { a, b } = inputs;
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return original(args);
    const shape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    const values = broadcastBinary(op, backend.data.get(a.dataId).values, a.shape, backend.data.get(b.dataId).values, b.shape, shape);
    return backend.makeTensorInfo(shape, 'float32', values);
  };
}

/** A float32 element-wise kernel computed by `compute` (other dtypes: tfjs's own). */
function float32Unary<A>(compute: (values: ArrayLike<number>, attrs: A) => Float32Array): Impl {
  return (args, original) => {
    const { inputs, backend, attrs } = args as KernelArgs<{ x: TensorInfoLike }, A>;
    const { x } = inputs;
    if (x.dtype !== 'float32') return original(args);
    return backend.makeTensorInfo(x.shape, 'float32', compute(backend.data.get(x.dataId).values, attrs));
  };
}

function sum(tf: TfKernelRegistry): Impl {
  return (args, original) => {
    const { inputs, backend, attrs } = args as KernelArgs<{ x: TensorInfoLike }, { axis: unknown; keepDims: boolean }>;
    const { x } = inputs;
    // bool (cast first), strings and complex values: tfjs's own paths.
    if (x.dtype !== 'float32' && x.dtype !== 'int32') return original(args);
    const rank = x.shape.length;
    const axes = tf.util.parseAxisParam(attrs.axis, x.shape);
    // Reduced axes already innermost, in order: tfjs sums without transposing (fast already).
    const innermost = axes.every((a, i) => a === rank - axes.length + i);
    if (innermost || new Set(axes).size !== axes.length) return original(args);
    const r = sumOverAxes(backend.data.get(x.dataId).values, x.shape, axes, x.dtype);
    const shape = attrs.keepDims ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : r.shape;
    return backend.makeTensorInfo(shape, x.dtype, r.values);
  };
}

function transpose(): Impl {
  return (args, original) => {
    const { inputs, backend, attrs } = args as KernelArgs<{ x: TensorInfoLike }, { perm: number[] }>;
    const { x } = inputs;
    if (!isCpuNumericDtype(x.dtype)) return original(args);
    const values = transposeFlat(backend.data.get(x.dataId).values, x.shape, attrs.perm, x.dtype);
    return backend.makeTensorInfo(
      attrs.perm.map((p) => x.shape[p] as number),
      x.dtype,
      values,
    );
  };
}

function resizeBilinearGrad(): Impl {
  type Attrs = { alignCorners: boolean; halfPixelCenters?: boolean };
  return (args, original) => {
    const { inputs, backend, attrs } = args as KernelArgs<{ images: TensorInfoLike; dy: TensorInfoLike }, Attrs>;
    const { images, dy } = inputs;
    if (images.shape.length !== 4 || dy.shape.length !== 4 || dy.dtype !== 'float32') return original(args);
    const [batch = 0, inHeight = 0, inWidth = 0, depth = 0] = images.shape;
    const [, outHeight = 0, outWidth = 0] = dy.shape;
    const dx = resizeBilinearGradNhwc(backend.data.get(dy.dataId).values, {
      batch,
      inHeight,
      inWidth,
      depth,
      outHeight,
      outWidth,
      alignCorners: attrs.alignCorners === true,
      halfPixelCenters: attrs.halfPixelCenters === true,
    });
    return backend.makeTensorInfo([batch, inHeight, inWidth, depth], 'float32', dx);
  };
}

function conv2dBackpropInput(tf: TfKernelRegistry): Impl {
  type Attrs = { inputShape: number[]; strides: unknown; pad: unknown; dataFormat: 'NHWC' | 'NCHW'; dimRoundingMode?: string };
  return (args, original) => {
    const { inputs, backend, attrs } = args as KernelArgs<{ dy: TensorInfoLike; filter: TensorInfoLike }, Attrs>;
    const { dy, filter } = inputs;
    if (attrs.dataFormat === 'NCHW' || dy.dtype !== 'float32' || filter.dtype !== 'float32') return original(args);
    const info = convInfo(tf, attrs.inputShape, filter.shape, attrs);
    const dx = conv2dInputGradNhwc(backend.data.get(dy.dataId).values, backend.data.get(filter.dataId).values, info);
    return backend.makeTensorInfo([info.batchSize, info.inHeight, info.inWidth, info.inChannels], 'float32', dx);
  };
}

type ConvAttrs = {
  strides: unknown;
  pad: unknown;
  dataFormat: 'NHWC' | 'NCHW';
  dilations: unknown;
  dimRoundingMode?: string;
};

/** The forward convolution of `x` by `filter`, or undefined where tfjs's kernel should run. */
function convForward(tf: TfKernelRegistry, backend: CpuBackendLike, x: TensorInfoLike, filter: TensorInfoLike, attrs: ConvAttrs) {
  if (attrs.dataFormat === 'NCHW' || x.dtype !== 'float32' || filter.dtype !== 'float32') return undefined;
  const info = convInfo(tf, x.shape, filter.shape, attrs, attrs.dilations);
  const y = conv2dForwardNhwc(backend.data.get(x.dataId).values, backend.data.get(filter.dataId).values, info);
  return { y, shape: info.outShape };
}

function conv2d(tf: TfKernelRegistry): Impl {
  return (args, original) => {
    const { inputs, backend, attrs } = args as KernelArgs<{ x: TensorInfoLike; filter: TensorInfoLike }, ConvAttrs>;
    const r = convForward(tf, backend, inputs.x, inputs.filter, attrs);
    return r ? backend.makeTensorInfo(r.shape, 'float32', r.y) : original(args);
  };
}

/** tfjs's FusedConv2D as its three steps (conv, bias add, relu or none), each as tfjs does it. */
function fusedConv2d(tf: TfKernelRegistry): Impl {
  type Attrs = ConvAttrs & { activation?: string };
  return (args, original) => {
    const { inputs, backend, attrs } = args as KernelArgs<{ x: TensorInfoLike; filter: TensorInfoLike; bias?: TensorInfoLike }, Attrs>;
    const { bias } = inputs;
    const activation = attrs.activation ?? 'linear';
    if ((activation !== 'linear' && activation !== 'relu') || (bias && bias.dtype !== 'float32')) return original(args);
    const r = convForward(tf, backend, inputs.x, inputs.filter, attrs);
    if (!r) return original(args);
    let { y, shape } = r;
    if (bias) {
      const biased = tf.backend_util.assertAndGetBroadcastShape(shape, bias.shape);
      y = broadcastBinary('add', y, shape, backend.data.get(bias.dataId).values, bias.shape, biased);
      shape = biased;
    }
    if (activation === 'relu') y = reluValues(y);
    return backend.makeTensorInfo(shape, 'float32', y);
  };
}

/** Slice of `x` (validated as tfjs does), or undefined where the original kernel should run. */
function stridedSlice(tf: TfKernelRegistry, backend: CpuBackendLike, x: TensorInfoLike, begin: unknown, size: unknown) {
  if (!isCpuNumericDtype(x.dtype)) return undefined; // string, complex64: the original's paths
  const [b = [], s = []] = tf.slice_util.parseSliceParams(x, begin, size);
  tf.slice_util.assertParamsValid(x, b, s);
  // One contiguous run: the original returns a view without copying; keep that.
  if (tf.slice_util.isSliceContinous(x.shape, b, s)) return undefined;
  const values = sliceStrided(backend.data.get(x.dataId).values, x.shape, b, s, x.dtype);
  return backend.makeTensorInfo(s, x.dtype, values);
}

function slice(tf: TfKernelRegistry): Impl {
  return (args, original) => {
    const { inputs, backend, attrs } = args as KernelArgs<{ x: TensorInfoLike }, { begin: unknown; size: unknown }>;
    return stridedSlice(tf, backend, inputs.x, attrs.begin, attrs.size) ?? original(args);
  };
}

function splitV(tf: TfKernelRegistry, originalSlice: (args: unknown) => TensorInfoLike): Impl {
  return (args, original) => {
    const { inputs, backend, attrs } = args as KernelArgs<{ x: TensorInfoLike }, { numOrSizeSplits: unknown; axis: unknown }>;
    const { x } = inputs;
    if (!isCpuNumericDtype(x.dtype)) return original(args);
    const axis = tf.util.parseAxisParam(attrs.axis, x.shape)[0] as number;
    const sizes = tf.backend_util.prepareSplitSize(x, attrs.numOrSizeSplits, axis);
    const begin = new Array<number>(x.shape.length).fill(0);
    const parts = sizes.map((n) => {
      const size = x.shape.slice();
      size[axis] = n;
      const part =
        stridedSlice(tf, backend, x, begin.slice(), size) ??
        originalSlice({ inputs: { x }, backend, attrs: { begin: begin.slice(), size } });
      begin[axis] = (begin[axis] as number) + n;
      return part;
    });
    return parts as unknown as TensorInfoLike;
  };
}

/**
 * Replaces the `cpu` backend's `Conv2D`, `FusedConv2D` (bias and relu or none),
 * `Conv2DBackpropInput`, `Conv2DBackpropFilter`, `Slice`, `SplitV`, `Sum` (over axes that are not
 * the innermost), `Transpose` and float32 `Add`/`Sub`/`Multiply`/`RealDiv`/`Neg`/`Relu`/`Step`
 * kernels with versions over flat typed arrays that give bit-identical results (measured on the demo DBNet:
 * a training step about 20× shorter), and its `ResizeBilinearGrad` with a correct one (tfjs 4.x's
 * gives non-square images a gradient of the wrong shape, so their training fails, and ignores
 * `halfPixelCenters`; where it was right, ours gives the same bits). Kernels already replaced
 * are left as they are; call `restore()` to put tfjs's own back. Typical use, once after choosing
 * the backend:
 *
 * ```ts
 * if (tf.getBackend() === 'cpu') useFastCpuKernels(tf);
 * ```
 *
 * @throws OcrPerfkitTypeError `ERR_INVALID_ARGUMENT` when `tf` is not a tfjs 4.x namespace.
 */
export function useFastCpuKernels(tf: TfKernelRegistry): CpuKernelPatch {
  assertRegistry(tf);
  // SplitV's contiguous parts go to the Slice kernel registered now (tfjs's, or ours, which hands
  // those to tfjs's in turn).
  const sliceKernel = tf.getKernel('Slice', BACKEND);
  const plans: Array<[string, Impl]> = [
    ['Conv2DBackpropFilter', conv2dBackpropFilter(tf)],
    ['Slice', slice(tf)],
  ];
  if (sliceKernel) plans.push(['SplitV', splitV(tf, sliceKernel.kernelFunc as unknown as (args: unknown) => TensorInfoLike)]);
  plans.push(
    ['Sum', sum(tf)],
    ['Transpose', transpose()],
    ['Add', binary(tf, 'add')],
    ['Sub', binary(tf, 'sub')],
    ['Multiply', binary(tf, 'mul')],
    ['RealDiv', binary(tf, 'div')],
    ['Neg', float32Unary(negate)],
    ['Conv2D', conv2d(tf)],
    ['Conv2DBackpropInput', conv2dBackpropInput(tf)],
    ['FusedConv2D', fusedConv2d(tf)],
    ['Relu', float32Unary(reluValues)],
    ['Step', float32Unary((v, attrs: { alpha: number }) => stepValues(v, attrs.alpha))],
    ['ResizeBilinearGrad', resizeBilinearGrad()],
  );
  const undo: Array<() => void> = [];
  const installed: string[] = [];
  for (const [name, impl] of plans) {
    const original = tf.getKernel(name, BACKEND);
    if (original === undefined || (original.kernelFunc as unknown as Record<symbol, unknown>)[MARK]) continue;
    const originalFunc = original.kernelFunc as unknown as (args: unknown) => TensorInfoLike;
    const kernelFunc = (args: never) => impl(args, originalFunc);
    Object.defineProperty(kernelFunc, MARK, { value: true });
    tf.unregisterKernel(name, BACKEND);
    tf.registerKernel({ ...original, kernelFunc } as never);
    installed.push(name);
    undo.push(() => {
      if (tf.getKernel(name, BACKEND)?.kernelFunc !== kernelFunc) return; // replaced since by someone else
      tf.unregisterKernel(name, BACKEND);
      tf.registerKernel(original as never);
    });
  }
  let restored = false;
  return {
    installed,
    restore: () => {
      if (restored) return;
      restored = true;
      for (const u of undo.reverse()) u();
    },
  };
}
