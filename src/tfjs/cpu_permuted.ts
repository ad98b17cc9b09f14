/**
 * `Sum` and `Transpose` for TensorFlow.js's pure-JS `cpu` backend without per-element index
 * arithmetic.
 *
 * tfjs 4.x transposes element by element through `util.indexToLoc`/`locToIndex` (an array
 * allocated per element), and its `Sum` over any axes that are not the innermost ones transposes
 * the whole input first. The bias gradients of a conv net are such sums (over batch, height and
 * width): with the other fixes of {@link useFastCpuKernels} in, they took about 10 % of a
 * training step of the demo DBNet. These walk the input with a counter per axis instead.
 *
 * Both results are bit-identical to tfjs's: a transpose is a copy, and each sum adds the same
 * elements to a float64 total starting at 0 in the same order (tfjs's order is row-major over the
 * reduced axes in the order they were given), then stores it into the output array as tfjs does.
 */
import { CPU_ARRAY_TYPES, type CpuNumericDtype } from './cpu_dtypes';
import { forEachRun, sizeOf, stridesOf } from './cpu_strided';

/** `values` (row-major, of `shape`) with its axes reordered: output axis i is input axis `perm[i]`. */
export function transposeFlat(
  values: ArrayLike<number>,
  shape: readonly number[],
  perm: readonly number[],
  dtype: CpuNumericDtype,
): Float32Array | Int32Array | Uint8Array {
  const rank = shape.length;
  const outShape = perm.map((p) => shape[p] as number);
  const out = new CPU_ARRAY_TYPES[dtype](sizeOf(shape));
  const inStrides = stridesOf(shape);
  // Where each output axis steps in the input.
  const src = perm.map((p) => inStrides[p] as number);
  const step = rank > 0 ? (src[rank - 1] as number) : 0;
  const offsets = [0];
  let o = 0;
  forEachRun(outShape, [src], offsets, (run) => {
    let i = offsets[0] as number;
    for (let k = 0; k < run; k++, i += step) out[o + k] = values[i] as number;
    o += run;
  });
  return out;
}

/**
 * The sums of `values` (row-major, of `shape`) over `axes` (distinct, in range), as tfjs's `Sum`
 * computes them: the output has the other axes in their order, and each element is a float64 total
 * of its inputs taken row-major over `axes` in the order given, stored as `dtype`.
 */
export function sumOverAxes(
  values: ArrayLike<number>,
  shape: readonly number[],
  axes: readonly number[],
  dtype: 'float32' | 'int32',
): { values: Float32Array | Int32Array; shape: number[] } {
  const rank = shape.length;
  const reduced = new Array<boolean>(rank).fill(false);
  for (const a of axes) reduced[a] = true;
  const kept: number[] = [];
  for (let d = 0; d < rank; d++) if (!reduced[d]) kept.push(d);
  const outShape = kept.map((d) => shape[d] as number);
  const outStridesKept = stridesOf(outShape);
  // Per input axis: how the output index moves with it (0 along reduced axes).
  const outStride = new Array<number>(rank).fill(0);
  kept.forEach((d, i) => {
    outStride[d] = outStridesKept[i] as number;
  });
  const totals = new Float64Array(sizeOf(outShape));
  const ascending = axes.every((a, i) => i === 0 || a > (axes[i - 1] as number));
  if (ascending) {
    // One pass over the input in row-major order: each output's inputs then arrive in exactly
    // tfjs's order (row-major over the reduced axes), so adding them as they come is its sum.
    const inner = rank > 0 ? (outStride[rank - 1] as number) : 0;
    const offsets = [0];
    let i = 0;
    forEachRun(shape, [outStride], offsets, (run) => {
      const base = offsets[0] as number;
      if (inner === 0) {
        let t = totals[base] as number;
        for (let k = 0; k < run; k++) t += values[i + k] as number;
        totals[base] = t;
      } else {
        for (let k = 0; k < run; k++) totals[base + k * inner] = (totals[base + k * inner] as number) + (values[i + k] as number);
      }
      i += run;
    });
  } else {
    // Axes given out of order: walk each output's inputs in the given order.
    const inStrides = stridesOf(shape);
    const reduceShape = axes.map((a) => shape[a] as number);
    const reduceSrc = axes.map((a) => inStrides[a] as number);
    const keptSrc = kept.map((d) => inStrides[d] as number);
    const outOffsets = [0];
    const inner = [0];
    let o = 0;
    forEachRun(outShape, [keptSrc], outOffsets, (run) => {
      for (let k = 0; k < run; k++) {
        const start = (outOffsets[0] as number) + k * (kept.length > 0 ? (keptSrc[kept.length - 1] as number) : 0);
        let t = 0;
        forEachRun(reduceShape, [reduceSrc], inner, (n) => {
          const step = reduceSrc[reduceSrc.length - 1] as number;
          let j = start + (inner[0] as number);
          for (let m = 0; m < n; m++, j += step) t += values[j] as number;
        });
        totals[o + k] = t;
      }
      o += run;
    });
  }
  const out = dtype === 'float32' ? new Float32Array(totals.length) : new Int32Array(totals.length);
  for (let k = 0; k < totals.length; k++) out[k] = totals[k] as number;
  return { values: out, shape: outShape };
}
