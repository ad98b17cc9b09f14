/**
 * Strided copy for TensorFlow.js's pure-JS `cpu` backend `Slice` and `SplitV` kernels.
 *
 * tfjs 4.x copies a slice that is not one contiguous run element by element through
 * `TensorBuffer.indexToLoc`/`get`/`set` with spread arguments. Splitting the last axis of an
 * `[n, h, w, 2]` tensor (the gradient of a channel concat, as in the demo's DBNet output) took
 * about 30 % of a training step's CPU time after the filter-gradient fix. This copies each
 * innermost run with a plain loop: the same values in the same order (a copy, so nothing to
 * round). Installed by {@link useFastCpuKernels}.
 */

import { CPU_ARRAY_TYPES, type CpuNumericDtype } from './cpu_dtypes';
import { forEachRun, sizeOf, stridesOf } from './cpu_strided';

/**
 * Copies the box `begin .. begin + size` of a row-major tensor of `shape` out of `values`.
 * `begin` and `size` must already be valid for `shape` (tfjs's `parseSliceParams` and
 * `assertParamsValid` run first).
 */
export function sliceStrided(
  values: ArrayLike<number>,
  shape: readonly number[],
  begin: readonly number[],
  size: readonly number[],
  dtype: CpuNumericDtype,
): Float32Array | Int32Array | Uint8Array {
  const length = sizeOf(size);
  const out = new CPU_ARRAY_TYPES[dtype](length);
  const strides = stridesOf(shape);
  let base = 0;
  for (let d = 0; d < shape.length; d++) base += (begin[d] as number) * (strides[d] as number);
  const offsets = [0];
  let o = 0;
  forEachRun(size, [strides], offsets, (run) => {
    const from = base + (offsets[0] as number);
    for (let k = 0; k < run; k++) out[o + k] = values[from + k] as number;
    o += run;
  });
  return out;
}
