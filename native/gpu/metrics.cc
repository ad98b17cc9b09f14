#include "gpu/metrics.h"

namespace opk::gpu {

const char* const kHostMetricNames[kHostMetricCount] = {
    "cpuPercent",   "rssBytes",         "sysMemTotalBytes",  "sysMemAvailableBytes", "sysMemUsedBytes",
    "ioReadBytes",  "ioWriteBytes",     "ctxSwitchesVoluntary", "ctxSwitchesInvoluntary",
};

const char* const kGpuMetricNames[kGpuMetricCount] = {
    "utilizationGpu", "utilizationMemory", "memoryUsedBytes", "memoryTotalBytes", "temperatureC",
    "powerWatts",     "clockSmMHz",        "clockMemMHz",     "pcieTxBytesPerSec", "pcieRxBytesPerSec",
    "clockEventReasons", "throttled",      "processMemoryBytes",
};

}  // namespace opk::gpu
