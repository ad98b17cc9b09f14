/**
 * {@link CuptiTracer}: GPU kernels, memcpys and memsets of this process recorded through CUPTI's
 * activity API (libcupti loaded at run time), as per-kernel aggregates and raw events.
 *
 * ```ts
 * const tracer = new CuptiTracer();
 * await tracer.start();           // ERR_CUPTI_UNAVAILABLE / _SUBSCRIBER / _PRIVILEGES / _NO_DEVICE
 * // ... run GPU work ...
 * await tracer.stop();            // flushes, disables CUPTI and calls cuptiFinalize
 * console.table(tracer.kernels());
 * ```
 * CUPTI is process-wide: one tracer may run at a time.
 */
import { isOcrPerfkitError } from '../errors';
import { type MonitorNative, type NativeHandle, monitorNative, withCallSite } from './native';
import { parseOptions } from '../validation/options';
import { type CuptiTracerOptions, CuptiTracerOptionsSchema, type ResolvedTracerOptions } from './tracer-options';

/** Aggregate of one kernel (by name). */
export interface KernelStats {
  name: string;
  count: number;
  totalNs: number;
  meanNs: number;
  minNs: number;
  maxNs: number;
}

/** Totals of memcpy or memset activity. */
export interface TransferStats {
  count: number;
  bytes: number;
  totalNs: number;
}

export type TraceEventKind = 'kernel' | 'memcpy' | 'memset' | 'runtime';

/** One raw activity record. Times are CUPTI nanosecond timestamps. */
export interface TraceEvent {
  kind: TraceEventKind;
  /** Kernel name (demangled), `runtime#<cbid>` for API calls, '' for memcpy/memset. */
  name: string;
  startNs: bigint;
  endNs: bigint;
  durationNs: number;
  device: number;
  context: number;
  /** Stream id (for runtime API records: the calling thread id). */
  stream: number;
  correlation: number;
  /** memcpy/memset size, 0 otherwise. */
  bytes: number;
  /** memcpy direction (CUpti_ActivityMemcpyKind: 1 HtoD, 2 DtoH, 8 DtoD, ...), 0 otherwise. */
  copyKind: number;
  grid: [number, number, number];
  block: [number, number, number];
}

/** A Chrome trace (`chrome://tracing`, Perfetto) event. */
export interface ChromeTraceEvent {
  name: string;
  cat: TraceEventKind;
  ph: 'X';
  /** µs since the first event. */
  ts: number;
  dur: number;
  pid: number;
  tid: number;
  args: Record<string, number | string>;
}

const KINDS: TraceEventKind[] = ['kernel', 'memcpy', 'memset', 'runtime'];

const HINT = /\sHint: (.*)$/s;
function addHint(err: unknown): never {
  if (isOcrPerfkitError(err) && err.code.startsWith('ERR_CUPTI')) {
    const m = HINT.exec(err.message);
    if (m?.[1]) Object.defineProperty(err, 'hint', { value: m[1], enumerable: true });
  }
  throw err;
}

/** Records GPU activity of this process through CUPTI. */
export class CuptiTracer {
  /** The validated options (defaults filled in). */
  readonly options: Readonly<ResolvedTracerOptions>;
  readonly #native: MonitorNative;
  readonly #handle: NativeHandle;

  constructor(options: CuptiTracerOptions = {}) {
    this.options = Object.freeze(parseOptions(CuptiTracerOptionsSchema, options, 'CuptiTracer options'));
    this.#native = monitorNative();
    const o = this.options;
    const cuptiLibrary = o.cuptiLibrary ?? (process.env.OCR_PERFKIT_CUPTI_LIBRARY || undefined);
    this.#handle = this.#native.tracerCreate({
      ...(cuptiLibrary !== undefined ? { cuptiLibrary } : {}),
      kernels: o.kernels,
      memcpy: o.memcpy,
      memset: o.memset,
      runtime: o.runtime,
      bufferBytes: o.bufferBytes,
      maxEvents: o.maxEvents,
      demangle: o.demangle,
    });
  }

  /**
   * Loads CUPTI (off the JS thread), claims its subscriber slot and enables the activity kinds.
   * Rejects with an error whose `code` is `ERR_CUPTI_UNAVAILABLE` (no library),
   * `ERR_CUPTI_SUBSCRIBER` (another profiler or tracer is attached), `ERR_CUPTI_PRIVILEGES`,
   * `ERR_CUPTI_NO_DEVICE` or `ERR_CUPTI_LIBRARY`, and whose `hint` says what to do.
   */
  async start(): Promise<void> {
    await withCallSite(this.#native.tracerStart(this.#handle), new Error()).catch(addHint);
  }

  /** Delivers every buffered record now (CUPTI forced flush). */
  async flush(): Promise<void> {
    await withCallSite(this.#native.tracerFlush(this.#handle), new Error()).catch(addHint);
  }

  /** Flushes, disables activity, unsubscribes and calls cuptiFinalize. Results stay readable. */
  async stop(): Promise<void> {
    await withCallSite(this.#native.tracerStop(this.#handle, false), new Error()).catch(addHint);
  }

  /** {@link stop}, ignoring errors, and refuses later starts. */
  async close(): Promise<void> {
    await withCallSite(this.#native.tracerStop(this.#handle, true), new Error());
  }

  /** True between start and stop. */
  get running(): boolean {
    return this.#native.tracerStats(this.#handle).running;
  }

  /** Per-kernel aggregates, slowest total first. Call {@link flush} first for up-to-date numbers. */
  kernels(): KernelStats[] {
    return this.#native
      .tracerKernels(this.#handle)
      .map((k) => ({ ...k, meanNs: k.count > 0 ? k.totalNs / k.count : 0 }))
      .sort((a, b) => b.totalNs - a.totalNs || a.name.localeCompare(b.name));
  }

  /** Memcpy and memset totals, record counts, drops, and the library used. */
  stats(): {
    memcpy: TransferStats;
    memset: TransferStats;
    records: number;
    droppedEvents: number;
    droppedRecords: number;
    library: string;
    version: number;
  } {
    const { running: _running, ...rest } = this.#native.tracerStats(this.#handle);
    return rest;
  }

  /** Raw events (up to `maxEvents`), in delivery order. */
  events(): TraceEvent[] {
    const c = this.#native.tracerEvents(this.#handle);
    const out: TraceEvent[] = [];
    for (let i = 0; i < c.kind.length; i++) {
      const start = c.start[i] ?? 0n;
      const end = c.end[i] ?? 0n;
      const nameId = c.name[i] ?? -1;
      out.push({
        kind: KINDS[c.kind[i] ?? 0] ?? 'kernel',
        name: nameId >= 0 ? (c.names[nameId] ?? '') : '',
        startNs: start,
        endNs: end,
        durationNs: Number(end > start ? end - start : 0n),
        device: c.device[i] ?? 0,
        context: c.context[i] ?? 0,
        stream: c.stream[i] ?? 0,
        correlation: c.correlation[i] ?? 0,
        bytes: Number(c.bytes[i] ?? 0n),
        copyKind: c.copyKind[i] ?? 0,
        grid: [c.grid[i * 3] ?? 0, c.grid[i * 3 + 1] ?? 0, c.grid[i * 3 + 2] ?? 0],
        block: [c.block[i * 3] ?? 0, c.block[i * 3 + 1] ?? 0, c.block[i * 3 + 2] ?? 0],
      });
    }
    return out;
  }

  /** Events as Chrome trace events (one row per device/stream), times relative to the first. */
  toChromeTrace(): ChromeTraceEvent[] {
    const ev = this.events();
    if (ev.length === 0) return [];
    let t0 = ev[0]!.startNs;
    for (const e of ev) if (e.startNs < t0) t0 = e.startNs;
    return ev.map((e) => ({
      name: e.name || e.kind,
      cat: e.kind,
      ph: 'X' as const,
      ts: Number(e.startNs - t0) / 1000,
      dur: e.durationNs / 1000,
      pid: e.device,
      tid: e.stream,
      args: { correlation: e.correlation, ...(e.bytes > 0 ? { bytes: e.bytes } : {}) },
    }));
  }

  /** Forgets every aggregate and event collected so far. */
  clear(): void {
    this.#native.tracerClear(this.#handle);
  }
}
