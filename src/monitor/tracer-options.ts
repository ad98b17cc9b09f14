/** Options of {@link CuptiTracer}, validated with zod. */
import { z } from 'zod';

export const CuptiTracerOptionsSchema = z.strictObject({
  /**
   * Path of libcupti to load. Default: the `OCR_PERFKIT_CUPTI_LIBRARY` environment variable,
   * else `libcupti.so` (then versioned names, then `$CUDA_HOME`, `$CUDA_PATH` and
   * `/usr/local/cuda` under `lib64/` and `extras/CUPTI/lib64/`).
   */
  cuptiLibrary: z.string().min(1).optional(),
  /** Record kernel executions (CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL). Default true. */
  kernels: z.boolean().default(true),
  /** Record memory copies. Default true. */
  memcpy: z.boolean().default(true),
  /** Record memsets. Default true. */
  memset: z.boolean().default(true),
  /** Record CUDA runtime API calls (named `runtime#<cbid>`). Default false (costly). */
  runtime: z.boolean().default(false),
  /** Bytes per activity buffer handed to CUPTI; a multiple of 8, 4 KiB..256 MiB. Default 8 MiB. */
  bufferBytes: z
    .number()
    .int()
    .min(4096)
    .max(256 * 1024 * 1024)
    .multipleOf(8)
    .default(8 * 1024 * 1024),
  /**
   * Raw events kept for trace export (about 80 bytes each); aggregates keep counting beyond it
   * and `stats().droppedEvents` counts the rest. Default 250,000.
   */
  maxEvents: z.number().int().min(0).max(100_000_000).default(250_000),
  /** Demangle C++ kernel names (`_Z6kernelPfi` → `kernel(float*, int)`). Default true. */
  demangle: z.boolean().default(true),
});

/** Options accepted by `new CuptiTracer(options)`. */
export type CuptiTracerOptions = z.input<typeof CuptiTracerOptionsSchema>;
export type ResolvedTracerOptions = z.output<typeof CuptiTracerOptionsSchema>;
