// One host sample of the resource sampler (issue #6): RSS from /proc/self/statm, memory from
// /proc/meminfo, I/O from /proc/self/io, CPU from the process clock. This is what the sampler
// thread pays per tick without a GPU.
#include <benchmark/benchmark.h>

#include <time.h>

#include "gpu/host_source.h"
#include "gpu/metrics.h"

namespace {

double MonoMs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

void BM_HostSample(benchmark::State& state) {
  opk::gpu::HostSource host("/proc");
  if (!host.Open()) {
    state.SkipWithError(host.reason().c_str());
    return;
  }
  double row[opk::gpu::kHostMetricCount];
  for (auto _ : state) {
    host.Sample(row, MonoMs());
    benchmark::DoNotOptimize(row);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

}  // namespace

BENCHMARK(BM_HostSample);
