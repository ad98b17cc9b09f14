/** Options of {@link ResourceSampler}, validated with zod. */
import { z } from 'zod';

export const ResourceSamplerOptionsSchema = z.strictObject({
  /**
   * Time between samples in milliseconds. Default 100; at least 10 (the sampler's own cost is
   * well under 1% of a core at 100 ms and under 5% at 10 ms).
   */
  intervalMs: z.number().finite().min(10).max(3_600_000).default(100),
  /**
   * Time between PCIe throughput readings in milliseconds, or 0 to leave PCIe out. Default 1000.
   * NVML measures PCIe throughput over a 20 ms window and blocks the caller for it (about 21 ms
   * per direction per device on an H100), so it is read on a thread of its own at this slower
   * pace; each sample carries the newest reading (a 20 ms snapshot, not an average over the
   * interval). At least 100.
   */
  pcieIntervalMs: z.union([z.literal(0), z.number().finite().min(100).max(3_600_000)]).default(1000),
  /** Samples kept in the ring buffer (oldest dropped first). Default 6000 (10 min at 100 ms). */
  capacity: z.number().int().min(1).max(10_000_000).default(6000),
  /** Sample host metrics (CPU, RSS, system memory, disk bytes, context switches). Default true. */
  host: z.boolean().default(true),
  /** Sample GPUs through NVML when it can be loaded. Default true. */
  gpu: z.boolean().default(true),
  /**
   * GPUs to sample: CUDA ordinals (positions among the CUDA-visible devices) or UUIDs (or a
   * unique UUID prefix, e.g. `GPU-8a3f`). Default: every visible device. An unknown device makes
   * `start()` reject with `ERR_UNKNOWN_DEVICE`.
   */
  devices: z.array(z.union([z.number().int().min(0).max(65535), z.string().min(1)])).optional(),
  /**
   * Path of libnvidia-ml to load instead of the default `libnvidia-ml.so.1`. Default: the
   * `OCR_PERFKIT_NVML_LIBRARY` environment variable, else the system library.
   */
  nvmlLibrary: z.string().min(1).optional(),
  /**
   * Value of CUDA_VISIBLE_DEVICES to honour (indices or UUIDs, as CUDA parses it: stops at the
   * first entry that names no device). Default: `process.env.CUDA_VISIBLE_DEVICES`; `null`
   * ignores it (every device is visible). Indices are read as NVML (PCI bus) indices, which is
   * what CUDA uses under `CUDA_DEVICE_ORDER=PCI_BUS_ID`; UUIDs are unambiguous either way.
   */
  cudaVisibleDevices: z.string().nullable().optional(),
  /** Root of the proc filesystem to read host files from. Default `/proc` (for tests). */
  procRoot: z.string().min(1).optional(),
});

/** Options accepted by `new ResourceSampler(options)`. */
export type ResourceSamplerOptions = z.input<typeof ResourceSamplerOptionsSchema>;
export type ResolvedSamplerOptions = z.output<typeof ResourceSamplerOptionsSchema>;
