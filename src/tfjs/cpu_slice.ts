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
  const rank = shape.length;
  let length = 1;
  for (let d = 0; d < rank; d++) length *= size[d] as number;
  const out = new CPU_ARRAY_TYPES[dtype](length);
  if (length === 0) return out;
  if (rank === 0) {
    out[0] = values[0] as number;
    return out;
  }
  const strides = new Array<number>(rank);
  strides[rank - 1] = 1;
  for (let d = rank - 2; d >= 0; d--) strides[d] = (strides[d + 1] as number) * (shape[d + 1] as number);
  let offset = 0;
  for (let d = 0; d < rank; d++) offset += (begin[d] as number) * (strides[d] as number);
  const run = size[rank - 1] as number;
  const rows = length / run;
  // Odometer over every axis but the last: idx[d] counts 0 .. size[d] - 1, offset follows it.
  const idx = new Array<number>(rank).fill(0);
  let o = 0;
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < run; k++) out[o + k] = values[offset + k] as number;
    o += run;
    for (let d = rank - 2; d >= 0; d--) {
      offset += strides[d] as number;
      if (++(idx[d] as number) < (size[d] as number)) break;
      offset -= (size[d] as number) * (strides[d] as number);
      idx[d] = 0;
    }
  }
  return out;
}
