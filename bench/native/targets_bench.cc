// DB training targets (issue #4): one 640x640 image per iteration, one thread, reference and exact
// mode, on the JS benchmark's pages (20 / 100 / 250 polygons). The four output maps rotate over 8
// sets as in bench/targets.bench.js (52 MB, so the output is not cache-resident).
#include <benchmark/benchmark.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "inputs.h"
#include "targets/db_targets.h"

namespace {

using opk::targets::DbMode;

void BM_DbTargets(benchmark::State& state, std::string file, DbMode mode) {
  try {
    const opk::bench::PolygonFile& f = opk::bench::LoadPolygons(file);
    opk::targets::DbParams params;
    params.width = 640;
    params.height = 640;
    params.mode = mode;
    opk::targets::PolygonSet polygons;
    polygons.xy = f.xy.data();
    polygons.offsets = f.offsets.data();
    polygons.count = f.count();
    polygons.ignore = f.ignore.empty() ? nullptr : f.ignore.data();
    constexpr size_t kSets = 8;
    const size_t pixels = 640 * 640;
    std::vector<std::vector<float>> maps(4 * kSets, std::vector<float>(pixels));
    std::vector<uint8_t> tags(f.count());
    auto scratch = opk::targets::NewDbScratch();
    size_t k = 0;
    for (auto _ : state) {
      opk::targets::DbOutput out;
      out.shrink_map = maps[4 * k].data();
      out.shrink_mask = maps[4 * k + 1].data();
      out.thresh_map = maps[4 * k + 2].data();
      out.thresh_mask = maps[4 * k + 3].data();
      out.ignore_out = tags.data();
      const opk::Status st = opk::targets::MakeDbTargets(params, polygons, f.offsets.back(), out, scratch.get());
      if (!st.ok()) throw std::runtime_error(st.message());
      benchmark::ClobberMemory();
      k = (k + 1) % kSets;
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
  }
}

}  // namespace

BENCHMARK_CAPTURE(BM_DbTargets, reference_020, std::string("page-020.bin"), DbMode::kReference)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_DbTargets, reference_100, std::string("page-100.bin"), DbMode::kReference)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_DbTargets, reference_250, std::string("page-250.bin"), DbMode::kReference)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_DbTargets, exact_020, std::string("page-020.bin"), DbMode::kExact)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_DbTargets, exact_100, std::string("page-100.bin"), DbMode::kExact)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_DbTargets, exact_250, std::string("page-250.bin"), DbMode::kExact)->Unit(benchmark::kMillisecond);
