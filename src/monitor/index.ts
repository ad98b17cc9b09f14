/**
 * Resource monitoring: the native sampler (host + NVML) and the CUPTI kernel tracer.
 *
 * - {@link ResourceSampler} samples on a native thread (default every 100 ms, down to 10 ms)
 *   into a ring buffer: host CPU %, RSS, system memory, disk bytes and context switches from
 *   /proc and getrusage; per GPU through NVML (libnvidia-ml loaded with dlopen, newest
 *   versioned symbols first): utilization, memory, temperature, power, clocks, PCIe (read on a
 *   thread of its own every `pcieIntervalMs`: NVML blocks 20 ms per PCIe call), clock-event
 *   (throttle) reasons and this process's memory. `latest()`, `samples(since)`,
 *   `summary(since)` (mean/min/max/p95), and `sources()` (available/reason per source and
 *   device). A source whose library fails stops alone; the others continue.
 * - {@link CuptiTracer} records kernels, memcpys, memsets (and optionally runtime API calls)
 *   through CUPTI's activity API, with per-kernel aggregates, raw events and Chrome-trace
 *   export; `stop()` calls cuptiFinalize so later training runs untraced.
 * - {@link EventLoopMonitor} measures the JS thread's event-loop delay and utilization (Node's
 *   perf_hooks); `ResourceMonitorCallback` logs them per epoch.
 * - Library overrides: options `nvmlLibrary` / `cuptiLibrary`, or the environment variables
 *   `OCR_PERFKIT_NVML_LIBRARY` / `OCR_PERFKIT_CUPTI_LIBRARY`; `ocr-perfkit doctor` shows what
 *   was found. CUDA_VISIBLE_DEVICES is honoured for device selection.
 * - Without a GPU the tests run against fakes (test/fixtures/fake_nvml.c, fake_cupti.c). On a
 *   GPU machine, `node scripts/gpu-check.js` launches N trivial kernels through the CUDA driver
 *   API in-process and checks that the tracer sees exactly N and NVML sees utilization; what
 *   it measured on an H100 is in docs/monitor.md.
 */
export {
  EventLoopMonitor,
  eventLoopMonitorConfigSchema,
  type EventLoopMonitorOptions,
  type EventLoopStats,
} from './event_loop';
export { ResourceSampler } from './sampler';
export type {
  GpuDevice,
  GpuMetrics,
  HostMetrics,
  ResourceSample,
  ResourceSummary,
  SamplerSources,
  SourceStatus,
} from './sampler';
export { ResourceSamplerOptionsSchema, type ResourceSamplerOptions } from './sampler-options';
export { CuptiTracer } from './tracer';
export type { ChromeTraceEvent, KernelStats, TraceEvent, TraceEventKind, TransferStats } from './tracer';
export { CuptiTracerOptionsSchema, type CuptiTracerOptions } from './tracer-options';
export {
  CLOCK_EVENT_REASONS,
  GPU_METRICS,
  HOST_METRICS,
  clockEventReasonNames,
  type GpuMetricName,
  type HostMetricName,
  type MetricStats,
  type MetricValue,
} from './metrics';
export { probeNvml, probeCupti, type NvmlProbeResult, type CuptiProbeResult } from './probe';
