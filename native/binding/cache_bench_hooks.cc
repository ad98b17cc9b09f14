// Benchmark hook of the cache area: what geometry's batch offset will do per polygon once it
// consults the cache natively (see native/cache/flat_rings.h), measured without geometry.
#include "binding/cache_bench_hooks.h"

#include <time.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "binding/args.h"
#include "binding/cache_handle.h"
#include "binding/errors.h"
#include "cache/flat_rings.h"

namespace opk::binding {

// cacheBenchBatchLookup(handle, coords: Float64Array, ringOffsets: Uint32Array, tag: string,
//                       fill: boolean) -> {hits, misses, outDoubles}
// For each ring (a one-ring polygon): key = PolygonKeyBuilder(ring, param 1.5) + tag; a hit appends the cached rings to an output
// vector (as OffsetBatch appends to BatchOut); a miss stores the ring itself as the "result"
// when `fill`. Synchronous on purpose (benchmark only: callers keep batches small).
Napi::Value CacheBenchBatchLookup(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 5) ThrowType(env, "expected (handle, coords, ringOffsets, tag, fill)");
  std::shared_ptr<opk::cache::Cache> cache = CacheHandle::CacheFromValue(info[0]);
  ArrayView<double> coords = RequireFloat64Array(info[1], "coords");
  ArrayView<uint32_t> rings = RequireUint32Array(info[2], "ringOffsets");
  const std::string tag = RequireString(info[3], "tag");
  const bool fill = RequireBoolean(info[4], "fill");
  std::vector<double> out_coords;
  std::vector<uint32_t> out_offsets{0};
  out_coords.reserve(coords.length);
  double hits = 0;
  double misses = 0;
  opk::cache::PolygonKeyBuilder builder;
  const double param = 1.5;  // stands for the per-polygon delta / ratio
  for (size_t r = 0; r + 1 < rings.length; ++r) {
    const size_t begin = static_cast<size_t>(rings.data[r]) * 2;
    const size_t end = static_cast<size_t>(rings.data[r + 1]) * 2;
    if (begin > end || end > coords.length) ThrowRange(env, "ringOffsets out of range", "ERR_BUFFER_SIZE");
    const opk::cache::KeyView key = builder.Build(coords.data, rings.data, r, r + 1, &param, 1, tag);
    if (opk::cache::AppendCachedRings(cache.get(), key, &out_coords, &out_offsets)) {
      hits += 1;
      continue;
    }
    misses += 1;
    if (fill) {
      const uint32_t ring[2] = {0, static_cast<uint32_t>((end - begin) / 2)};
      opk::cache::PutFlatRings(cache.get(), key, coords.data + begin, end - begin, ring, 2);
    }
  }
  Napi::Object o = Napi::Object::New(env);
  o.Set("hits", hits);
  o.Set("misses", misses);
  o.Set("outDoubles", static_cast<double>(out_coords.size()));
  return o;
}

}  // namespace opk::binding

namespace opk::binding {

namespace {
double ThreadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}
}  // namespace

// cacheBenchThreads(handle, threads, opsPerThread, hot, tag) -> {wallNs, cpuNs, hits}
// Runs `threads` native threads doing Get (on a miss: Put) over keys 0..hot-1 (8 float64 each)
// against the shared cache, without JS: separates the cache's own scaling from V8's.
// Synchronous on purpose (benchmark only).
Napi::Value CacheBenchThreads(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 5) ThrowType(env, "expected (handle, threads, opsPerThread, hot, tag)");
  std::shared_ptr<opk::cache::Cache> cache = CacheHandle::CacheFromValue(info[0]);
  const int64_t threads = RequireInteger(info[1], "threads", 1, 64);
  const int64_t ops = RequireInteger(info[2], "opsPerThread", 1, int64_t{1} << 40);
  const int64_t hot = RequireInteger(info[3], "hot", 1, int64_t{1} << 32);
  const std::string tag = RequireString(info[4], "tag");
  std::vector<double> cpu(static_cast<size_t>(threads), 0.0);
  std::vector<double> hits(static_cast<size_t>(threads), 0.0);
  std::vector<std::thread> pool;
  const auto t0 = std::chrono::steady_clock::now();
  for (int64_t t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      const double c0 = ThreadCpuSeconds();
      double key[8] = {0, 1, 2, 3, 4, 5, 6, 7};
      double value[24] = {};
      uint32_t seed = static_cast<uint32_t>(t) * 7919u + 1u;
      for (int64_t i = 0; i < ops; ++i) {
        seed = seed * 1103515245u + 12345u;
        key[0] = static_cast<double>((seed >> 8) % static_cast<uint64_t>(hot));
        const opk::cache::KeyView k = opk::cache::KeyView::Make(key, sizeof key, tag);
        if (cache->Get(k)) {
          hits[static_cast<size_t>(t)] += 1;
        } else {
          value[0] = key[0];
          const opk::cache::ArraySpan span{opk::cache::ElementType::kFloat64, value, 24};
          cache->PutArrays(k, &span, 1, false);
        }
      }
      cpu[static_cast<size_t>(t)] = ThreadCpuSeconds() - c0;
    });
  }
  for (auto& th : pool) th.join();
  const double wall = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count();
  double cpu_total = 0;
  double hit_total = 0;
  for (size_t i = 0; i < cpu.size(); ++i) {
    cpu_total += cpu[i];
    hit_total += hits[i];
  }
  Napi::Object o = Napi::Object::New(env);
  o.Set("wallNs", wall);
  o.Set("cpuNs", cpu_total * 1e9);
  o.Set("hits", hit_total);
  return o;
}

}  // namespace opk::binding
