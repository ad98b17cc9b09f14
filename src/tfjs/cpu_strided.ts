/**
 * Row-major walking of strided tensors for the kernels of {@link useFastCpuKernels}: one counter
 * per axis, advancing one or more flat offsets (each with its own strides) from one innermost run
 * to the next, so the kernels' inner loops are plain loops over a run.
 */

/** Row-major strides of `shape` (innermost 1). */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d] as number;
  }
  return strides;
}

/** Number of elements of `shape` (1 for a scalar). */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * Walks `shape` in row-major order, calling `visit(run)` once per innermost run (`run` =
 * `shape`'s last extent, 1 for a scalar) with `offsets[j]` set to the run's start in the j-th
 * addressing (`strides[j]`, one stride per axis of `shape`; offsets start at 0). Nothing is visited
 * when `shape` has a zero-sized axis.
 */
export function forEachRun(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
  offsets: number[],
  visit: (run: number) => void,
): void {
  const rank = shape.length;
  const size = sizeOf(shape);
  if (size === 0) return;
  offsets.fill(0);
  if (rank === 0) {
    visit(1);
    return;
  }
  const run = shape[rank - 1] as number;
  const rows = size / run;
  const idx = new Array<number>(rank).fill(0);
  for (let r = 0; r < rows; r++) {
    visit(run);
    for (let d = rank - 2; d >= 0; d--) {
      for (let j = 0; j < strides.length; j++) offsets[j] = (offsets[j] as number) + ((strides[j] as number[])[d] as number);
      if (++(idx[d] as number) < (shape[d] as number)) break;
      for (let j = 0; j < strides.length; j++) {
        offsets[j] = (offsets[j] as number) - (shape[d] as number) * ((strides[j] as number[])[d] as number);
      }
      idx[d] = 0;
    }
  }
}
