/** Training callbacks: the hook protocol, the tfjs adapter and the built-in callbacks. */
export * from './protocol';
export {
  toTfjsCallbacks,
  tfjsAdapterConfigSchema,
  type TfjsAdapterOptions,
  type TfjsCallbackAdapter,
  type TfjsPlainCallbacks,
  type DatasetLike,
} from './tfjs_adapter';
export {
  PerformanceProfilerCallback,
  performanceProfilerConfigSchema,
  type PerformanceProfilerOptions,
  type ValidationProfile,
} from './performance_profiler';
export {
  ThroughputMonitorCallback,
  throughputMonitorConfigSchema,
  type ThroughputMonitorOptions,
  type ThroughputReport,
} from './throughput_monitor';
export {
  StepProfilerCallback,
  stepProfilerConfigSchema,
  type GpuTraceSource,
  type StepProfile,
  type StepProfilerOptions,
  type Verdict,
} from './step_profiler';
export {
  ResourceMonitorCallback,
  resourceMonitorConfigSchema,
  type ResourceAlert,
  type ResourceMonitorOptions,
  type ResourceSummarySource,
} from './resource_monitor';
export {
  PolygonCacheLoggerCallback,
  polygonCacheLoggerConfigSchema,
  type PolygonCacheLoggerOptions,
  type PolygonCacheReport,
  type PolygonCacheStatsSource,
} from './polygon_cache_logger';
export type { CacheStatsLike, ResourceSampleLike, ResourceSamplerLike, TfMemoryLike } from './resources';
