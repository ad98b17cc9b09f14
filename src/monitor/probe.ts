/** One-shot checks of NVML and CUPTI (used by `ocr-perfkit doctor`). */
import { type NativeCuptiProbe, type NativeNvmlProbe, monitorNative } from './native';

/** What loading NVML found (the native probe's result, as is). */
export type NvmlProbeResult = NativeNvmlProbe;

/** What loading CUPTI found (tracing is not started). */
export type CuptiProbeResult = NativeCuptiProbe;

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
