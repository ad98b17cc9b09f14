/** Faster TensorFlow.js `cpu` backend kernels (bit-identical to tfjs's own). */
export { useFastCpuKernels, type CpuKernelPatch, type TfKernelRegistry, type KernelConfigLike } from './fast_cpu_kernels';
