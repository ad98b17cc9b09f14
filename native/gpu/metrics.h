// Names and order of the sampled metrics. A sample is one row of doubles:
//   [t_mono_ms, t_wall_ms, host metrics..., device 0 metrics..., device 1 metrics..., ...]
// Missing values (source unavailable, metric not supported) are NaN in the core; the glue or
// the TS layer turns them into null.
#pragma once

#include <cstddef>

namespace opk::gpu {

enum HostMetric : int {
  kHostCpuPercent = 0,   // process CPU time / wall time over the last interval, % of one core
  kHostRssBytes,         // resident set size of this process
  kHostSysMemTotal,      // MemTotal
  kHostSysMemAvailable,  // MemAvailable
  kHostSysMemUsed,       // MemTotal - MemAvailable
  kHostIoReadBytes,      // /proc/self/io read_bytes (cumulative)
  kHostIoWriteBytes,     // /proc/self/io write_bytes (cumulative)
  kHostCtxVoluntary,     // voluntary context switches, all threads (cumulative)
  kHostCtxInvoluntary,   // involuntary context switches, all threads (cumulative)
  kHostMetricCount
};

enum GpuMetric : int {
  kGpuUtil = 0,            // % of time a kernel ran over the driver's sample period
  kGpuMemUtil,             // % of time device memory was read/written
  kGpuMemUsed,             // bytes
  kGpuMemTotal,            // bytes
  kGpuTemperature,         // degrees C
  kGpuPowerWatts,          // W
  kGpuClockSm,             // MHz
  kGpuClockMem,            // MHz
  kGpuPcieTx,              // bytes/s
  kGpuPcieRx,              // bytes/s
  kGpuClockEventReasons,   // bitmask (nvmlClocksEventReason*)
  kGpuThrottled,           // 1 when a power/thermal/HW slowdown reason is active, else 0
  kGpuProcessMemUsed,      // bytes used by this process on the device
  kGpuMetricCount
};

extern const char* const kHostMetricNames[kHostMetricCount];
extern const char* const kGpuMetricNames[kGpuMetricCount];

// Leading columns of every row.
constexpr int kColMono = 0;
constexpr int kColWall = 1;
constexpr int kLeadingCols = 2;

inline size_t RowWidth(size_t device_count) {
  return kLeadingCols + kHostMetricCount + device_count * kGpuMetricCount;
}
inline size_t HostCol(int m) { return kLeadingCols + m; }
inline size_t GpuCol(size_t device, int m) {
  return kLeadingCols + kHostMetricCount + device * kGpuMetricCount + m;
}

}  // namespace opk::gpu
