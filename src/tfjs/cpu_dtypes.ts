/**
 * The numeric dtypes TensorFlow.js's `cpu` backend stores in typed arrays, with their array
 * constructors: what the copying kernels of {@link useFastCpuKernels} (slices, transposes) handle.
 * Strings and complex values stay with tfjs's own kernels.
 */
export const CPU_ARRAY_TYPES = {
  float32: Float32Array,
  int32: Int32Array,
  bool: Uint8Array,
} as const;

/** A dtype in {@link CPU_ARRAY_TYPES}. */
export type CpuNumericDtype = keyof typeof CPU_ARRAY_TYPES;

/** Whether `dtype` is one of {@link CPU_ARRAY_TYPES}. */
export function isCpuNumericDtype(dtype: string): dtype is CpuNumericDtype {
  return Object.hasOwn(CPU_ARRAY_TYPES, dtype);
}
