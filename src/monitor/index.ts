/** Resource monitoring: the native sampler (host + NVML) and the CUPTI kernel tracer. */
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
