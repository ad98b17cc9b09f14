// The polygon cache (issue #5) inside the batch offset: SROIE shrink with every polygon already
// cached (the hit path: hash, lookup, copy), on 1 and 2 threads sharing one cache, against the
// same batch with no cache (bench/native/geometry_bench.cc's BM_OffsetBatch/sroie_shrink).
#include <benchmark/benchmark.h>

#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>

#include "cache/cache.h"
#include "geometry/batch.h"
#include "inputs.h"

namespace {

void Shrink(const opk::bench::PolygonFile& f, opk::cache::Cache* cache, opk::geom::BatchOut* out) {
  opk::geom::OffsetSpec spec;
  spec.kind = opk::geom::DeltaKind::kShrinkRatio;
  const double ratio = 0.4;
  const opk::Status st = opk::geom::OffsetBatch(opk::bench::BatchViewOf(f), &ratio, 1, spec, out, cache);
  if (!st.ok()) throw std::runtime_error(st.message());
}

// One cache for every thread of the benchmark, filled once.
opk::cache::Cache* SharedCache(const opk::bench::PolygonFile& f) {
  static std::once_flag once;
  static std::unique_ptr<opk::cache::Cache> cache;
  std::call_once(once, [&] {
    opk::cache::CacheOptions options;
    options.max_bytes = 256ull << 20;  // holds the whole set: every lookup hits
    cache = std::make_unique<opk::cache::Cache>("bench-native", options);
    opk::geom::BatchOut out;
    Shrink(f, cache.get(), &out);
  });
  return cache.get();
}

void BM_CachedShrink(benchmark::State& state) {
  try {
    const opk::bench::PolygonFile& f = opk::bench::LoadPolygons("sroie.bin");
    opk::cache::Cache* cache = SharedCache(f);
    opk::geom::BatchOut out;
    Shrink(f, cache, &out);
    for (auto _ : state) {
      Shrink(f, cache, &out);
      benchmark::DoNotOptimize(out.coords.data());
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * f.count()));
    if (state.thread_index() == 0) state.counters["hit_rate"] = cache->Stats().hit_rate;
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
  }
}

}  // namespace

BENCHMARK(BM_CachedShrink)->Threads(1)->Threads(2)->UseRealTime();
