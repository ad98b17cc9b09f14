/** One-shot checks of NVML and CUPTI (used by `ocr-perfkit doctor`). */
import { monitorNative } from './native';

/** What loading NVML found. */
export interface NvmlProbeResult {
  /** The library opened and has the required symbols. */
  loaded: boolean;
  /** nvmlInit succeeded. */
  initialized: boolean;
  /** Path that opened. */
  library: string;
  /** Why not loaded / not initialised ('' when fine). */
  error: string;
  /** Symbol chosen for each function (versioned fallbacks). */
  symbols: Record<string, string>;
  /** Every device NVML sees (CUDA_VISIBLE_DEVICES not applied). */
  devices: Array<{ nvmlIndex: number; uuid: string; name: string }>;
}

/** What loading CUPTI found (tracing is not started). */
export interface CuptiProbeResult {
  loaded: boolean;
  library: string;
  /** cuptiGetVersion (API version number), 0 when unknown. */
  version: number;
  error: string;
  /** Error code when not loaded, e.g. `ERR_CUPTI_UNAVAILABLE`. */
  code: string;
}

/**
 * Loads NVML, initialises it, lists the devices and shuts it down. Blocks while the driver
 * initialises (use `{ async: true }` off the CLI).
 */
export function probeNvml(options?: { nvmlLibrary?: string }): NvmlProbeResult;
export function probeNvml(options: { nvmlLibrary?: string; async: true }): Promise<NvmlProbeResult>;
export function probeNvml(options: { nvmlLibrary?: string; async?: boolean } = {}): NvmlProbeResult | Promise<NvmlProbeResult> {
  const lib = options.nvmlLibrary ?? (process.env.OCR_PERFKIT_NVML_LIBRARY || undefined);
  const arg = lib !== undefined ? { nvmlLibrary: lib } : {};
  return options.async ? monitorNative().monitorProbeNvmlAsync(arg) : monitorNative().monitorProbeNvml(arg);
}

/** Loads CUPTI (kept loaded for the process) and reads its version. */
export function probeCupti(options: { cuptiLibrary?: string } = {}): CuptiProbeResult {
  const lib = options.cuptiLibrary ?? (process.env.OCR_PERFKIT_CUPTI_LIBRARY || undefined);
  return monitorNative().monitorProbeCupti(lib !== undefined ? { cuptiLibrary: lib } : {});
}
