/**
 * Element-wise arithmetic (`Add`, `Sub`, `Multiply`, `RealDiv`, `Neg`) for TensorFlow.js's
 * pure-JS `cpu` backend, over float32 tensors.
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
  let size = 1;
  for (const d of outShape) size *= d;
  const out = new Float32Array(size);
  if (size === 0) return out;
  // Per output axis: the output extent and each operand's stride (0 where it broadcasts).
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
    // Merge with the inner axis kept last when both operands step through them as one.
    const last = dims.length - 1;
    if (last >= 0 && da === (sa[last] as number) * (dims[last] as number) && db === (sb[last] as number) * (dims[last] as number)) {
      dims[last] = (dims[last] as number) * extent;
      continue;
    }
    dims.push(extent);
    sa.push(da);
    sb.push(db);
  }
  // dims[0] is now the innermost axis.
  if (dims.length === 0) {
    run(op, out, 0, a, 0, 0, b, 0, 0, 1);
    return out;
  }
  const inner = dims[0] as number;
  const n = dims.length;
  const idx = new Array<number>(n).fill(0);
  let ia = 0;
  let ib = 0;
  for (let o = 0; o < size; o += inner) {
    run(op, out, o, a, ia, sa[0] as number, b, ib, sb[0] as number, inner);
    for (let d = 1; d < n; d++) {
      ia += sa[d] as number;
      ib += sb[d] as number;
      if (++(idx[d] as number) < (dims[d] as number)) break;
      ia -= (dims[d] as number) * (sa[d] as number);
      ib -= (dims[d] as number) * (sb[d] as number);
      idx[d] = 0;
    }
  }
  return out;
}

/** `-1 * x` element by element (tfjs's `Neg` is a multiplication by a -1 scalar). */
export function negate(x: ArrayLike<number>): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < out.length; i++) out[i] = -1 * (x[i] as number);
  return out;
}
