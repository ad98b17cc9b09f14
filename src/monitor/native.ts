/**
 * The monitor area's native surface (native/binding/monitor_*.cc). Internal: the public API is
 * {@link ResourceSampler} and {@link CuptiTracer}.
 */
import { getNative } from '../native';

/** Opaque handle to a native object. */
export type NativeHandle = { readonly __opaque: unique symbol };

/** State of one source as reported by the sampler. */
export interface NativeSourceState {
  enabled: boolean;
  available: boolean;
  reason: string;
}

export interface NativeDeviceInfo {
  nvmlIndex: number;
  cudaOrdinal: number;
  uuid: string;
  name: string;
  available: boolean;
  reason: string;
}

export interface NativeSamplerState {
  running: boolean;
  started: boolean;
  host: NativeSourceState;
  nvml: NativeSourceState & { library: string; symbols: Record<string, string> };
  devices: NativeDeviceInfo[];
  width: number;
  samples: number;
  dropped: number;
  taken: number;
}

export interface NativeSamplerOptions {
  intervalMs: number;
  pcieIntervalMs: number;
  capacity: number;
  host: boolean;
  gpu: boolean;
  nvmlLibrary?: string;
  devices?: Array<number | string>;
  cudaVisibleDevices?: string | null;
  procRoot?: string;
}

export interface NativeTracerOptions {
  cuptiLibrary?: string;
  kernels: boolean;
  memcpy: boolean;
  memset: boolean;
  runtime: boolean;
  bufferBytes: number;
  maxEvents: number;
  demangle: boolean;
}

export interface NativeKernelAggregate {
  name: string;
  count: number;
  totalNs: number;
  minNs: number;
  maxNs: number;
}

export interface NativeTransfer {
  count: number;
  bytes: number;
  totalNs: number;
}

export interface NativeTracerStats {
  running: boolean;
  records: number;
  droppedEvents: number;
  droppedRecords: number;
  library: string;
  version: number;
  memcpy: NativeTransfer;
  memset: NativeTransfer;
}

export interface NativeTraceColumns {
  kind: Uint8Array;
  copyKind: Uint8Array;
  name: Int32Array;
  device: Uint32Array;
  context: Uint32Array;
  stream: Uint32Array;
  correlation: Uint32Array;
  start: BigUint64Array;
  end: BigUint64Array;
  bytes: BigUint64Array;
  grid: Uint32Array;
  block: Uint32Array;
  names: string[];
}

/** What loading NVML found. */
export interface NativeNvmlProbe {
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
export interface NativeCuptiProbe {
  loaded: boolean;
  library: string;
  /** cuptiGetVersion (API version number), 0 when unknown. */
  version: number;
  error: string;
  /** Error code when not loaded, e.g. `ERR_CUPTI_UNAVAILABLE`. */
  code: string;
}

export interface NativeLaunchResult {
  launched: number;
  wallMs: number;
  checksum: number;
  deviceName: string;
  library: string;
}

export interface MonitorNative {
  monitorMetricNames(): { host: string[]; gpu: string[]; leading: number; summaryStats: number };
  monitorNow(): number;
  samplerCreate(options: NativeSamplerOptions): NativeHandle;
  samplerStart(h: NativeHandle): Promise<void>;
  samplerStop(h: NativeHandle, close?: boolean): Promise<void>;
  samplerLatest(h: NativeHandle, out: Float64Array): number;
  samplerRows(h: NativeHandle, since?: number): Float64Array;
  samplerSummary(h: NativeHandle, since?: number): Promise<Float64Array>;
  samplerSummarySync(h: NativeHandle, since?: number): Float64Array;
  samplerState(h: NativeHandle): NativeSamplerState;
  tracerCreate(options: NativeTracerOptions): NativeHandle;
  tracerStart(h: NativeHandle): Promise<void>;
  tracerFlush(h: NativeHandle): Promise<void>;
  tracerStop(h: NativeHandle, close?: boolean): Promise<void>;
  tracerKernels(h: NativeHandle): NativeKernelAggregate[];
  tracerStats(h: NativeHandle): NativeTracerStats;
  tracerEvents(h: NativeHandle): NativeTraceColumns;
  tracerClear(h: NativeHandle): void;
  monitorProbeNvml(options?: { nvmlLibrary?: string }): NativeNvmlProbe;
  monitorProbeNvmlAsync(options?: { nvmlLibrary?: string }): Promise<NativeNvmlProbe>;
  monitorProbeCupti(options?: { cuptiLibrary?: string }): NativeCuptiProbe;
  debugCudaLaunch(options: {
    libcuda?: string;
    device?: number;
    kernels?: number;
    iterations?: number;
    threads?: number;
    blocks?: number;
  }): Promise<NativeLaunchResult>;
}

/** The addon, typed with the monitor surface. */
export function monitorNative(): MonitorNative {
  return getNative<MonitorNative>();
}

/**
 * Awaits a native promise and, when it rejects, appends the JS call site to the error's stack
 * (native rejections are created on a later tick and would otherwise have no useful stack).
 */
export async function withCallSite<T>(promise: Promise<T>, site: Error): Promise<T> {
  try {
    return await promise;
  } catch (err) {
    if (err instanceof Error && site.stack) {
      const frames = site.stack.split('\n').slice(1).join('\n');
      err.stack = `${err.stack ?? String(err)}\n    --- called from ---\n${frames}`;
    }
    throw err;
  }
}
