/**
 * Element-wise arithmetic (`Add`, `Sub`, `Multiply`, `RealDiv`, `Neg`) and activations (`Relu`,
 * `Step`) for TensorFlow.js's pure-JS `cpu` backend, over float32 tensors.
 *
 * tfjs 4.x runs every binary op through one shared loop that calls the op as a closure per
 * element and takes two remainders per element (about 10 ns an element); with broadcasting (an
 * operand with a size-1 axis, e.g. a `[1, 1, 1, 1]` factor or a per-channel bias) it also builds
 * location arrays per element. On the demo DBNet these ops were about 40 % of a training step once
 * the convolution kernels were fixed. Here each op has its own loop, and broadcasting walks the
 * output with a counter per (merged) axis.
 *
 * Results are bit-identical to tfjs's: every element is the same JavaScript expression on the
 * same two float32 values (`a * b`, `a + b`, `a - b`, `a / b`, and `-1 * x` for `Neg`), stored
 * into a Float32Array as tfjs stores it.
 */
import { forEachRun, sizeOf } from './cpu_strided';

/** The binary operations handled here. */
export type BinaryOp = 'add' | 'sub' | 'mul' | 'div';

// One run of `n` elements: out[o + k] = a[ia + k*sa] (op) b[ib + k*sb]. A switch outside the
// loops, so each loop is monomorphic.
function run(
  op: BinaryOp,
  out: Float32Array,
  o: number,
  a: ArrayLike<number>,
  ia: number,
  sa: number,
  b: ArrayLike<number>,
  ib: number,
  sb: number,
  n: number,
) {
  switch (op) {
    case 'add':
      for (let k = 0; k < n; k++, ia += sa, ib += sb) out[o + k] = (a[ia] as number) + (b[ib] as number);
      return;
    case 'sub':
      for (let k = 0; k < n; k++, ia += sa, ib += sb) out[o + k] = (a[ia] as number) - (b[ib] as number);
      return;
    case 'mul':
      for (let k = 0; k < n; k++, ia += sa, ib += sb) out[o + k] = (a[ia] as number) * (b[ib] as number);
      return;
    case 'div':
      for (let k = 0; k < n; k++, ia += sa, ib += sb) out[o + k] = (a[ia] as number) / (b[ib] as number);
      return;
  }
}

/**
 * `a (op) b` with numpy-style broadcasting onto `outShape` (which the caller has computed and
 * checked: tfjs's `assertAndGetBroadcastShape`), as a new Float32Array.
 */
export function broadcastBinary(
  op: BinaryOp,
  a: ArrayLike<number>,
  aShape: readonly number[],
  b: ArrayLike<number>,
  bShape: readonly number[],
  outShape: readonly number[],
): Float32Array {
  const size = sizeOf(outShape);
  const out = new Float32Array(size);
  if (size === 0) return out;
  // Per output axis, innermost first: the output extent and each operand's stride (0 where it
  // broadcasts). Axes of extent 1 are dropped, and an axis is merged into the inner one next to
  // it when both operands step through the two as through one.
  const rank = outShape.length;
  const dims: number[] = [];
  const sa: number[] = [];
  const sb: number[] = [];
  let strideA = 1;
  let strideB = 1;
  const axisStrides = (shape: readonly number[], axis: number, stride: number) => {
    const d = axis - (rank - shape.length);
    return d >= 0 && (shape[d] as number) !== 1 ? stride : 0;
  };
  for (let axis = rank - 1; axis >= 0; axis--) {
    const extent = outShape[axis] as number;
    if (extent === 1) continue; // contributes nothing to any index
    const da = axisStrides(aShape, axis, strideA);
    const db = axisStrides(bShape, axis, strideB);
    const d = axis - (rank - aShape.length);
    if (d >= 0) strideA *= aShape[d] as number;
    const e = axis - (rank - bShape.length);
    if (e >= 0) strideB *= bShape[e] as number;
    const last = dims.length - 1;
    if (last >= 0 && da === (sa[last] as number) * (dims[last] as number) && db === (sb[last] as number) * (dims[last] as number)) {
      dims[last] = (dims[last] as number) * extent;
      continue;
    }
    dims.push(extent);
    sa.push(da);
    sb.push(db);
  }
  // Outermost first for the walk; its run is the innermost (merged) axis.
  dims.reverse();
  sa.reverse();
  sb.reverse();
  const stepA = sa.length > 0 ? (sa[sa.length - 1] as number) : 0;
  const stepB = sb.length > 0 ? (sb[sb.length - 1] as number) : 0;
  const offsets = [0, 0];
  let o = 0;
  forEachRun(dims, [sa, sb], offsets, (n) => {
    run(op, out, o, a, offsets[0] as number, stepA, b, offsets[1] as number, stepB, n);
    o += n;
  });
  return out;
}

/** `-1 * x` element by element (tfjs's `Neg` is a multiplication by a -1 scalar). */
export function negate(x: ArrayLike<number>): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < out.length; i++) out[i] = -1 * (x[i] as number);
  return out;
}

/** tfjs's `Relu` (`Math.max(0, x)`) over float32 values. */
export function reluValues(x: ArrayLike<number>): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < out.length; i++) out[i] = Math.max(0, x[i] as number);
  return out;
}

/** tfjs's `Step` (NaN stays NaN, 1 above 0, else `alpha`) over float32 values. */
export function stepValues(x: ArrayLike<number>, alpha: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < out.length; i++) {
    const v = x[i] as number;
    out[i] = Number.isNaN(v) ? Number.NaN : v > 0 ? 1 : alpha;
  }
  return out;
}
