// Benchmark hooks of the cache area: the cache inside geometry's batch offset, and native threads
// sharing one cache, measured without JS.
#include "binding/cache_bench_hooks.h"

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "binding/args.h"
#include "binding/cache_handle.h"
#include "binding/errors.h"
#include "cache/cache.h"
#include "geometry/batch.h"

namespace opk::binding {

namespace {
double ThreadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}
}  // namespace

// cacheBenchOffsetBatch(handle, coords: Float64Array, ringOffsets: Uint32Array, ratio: number,
//                       reps: number, missEvery: number) -> {cpuNs: number[], hits, misses}
// The cached DB shrink inside the native batch offset (geom::OffsetBatch with the cache), timed
// natively (thread CPU time per rep), without the JS call and the result's conversion. Before each
// rep every missEvery-th polygon (0: none) is moved by a fresh tiny amount (its key changes, its
// result does not), so those are real misses: offset + store. Synchronous on purpose (benchmark
// only: callers keep batches small).
Napi::Value CacheBenchOffsetBatch(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 6) ThrowType(env, "expected (handle, coords, ringOffsets, ratio, reps, missEvery)");
  std::shared_ptr<opk::cache::Cache> cache = CacheHandle::CacheFromValue(info[0]);
  ArrayView<double> coords_in = RequireFloat64Array(info[1], "coords");
  ArrayView<uint32_t> rings = RequireUint32Array(info[2], "ringOffsets");
  const double ratio = RequireNumber(info[3], "ratio");
  const int64_t reps = RequireInteger(info[4], "reps", 1, 100000);
  const int64_t miss_every = RequireInteger(info[5], "missEvery", 0, int64_t{1} << 32);
  std::vector<double> coords(coords_in.data, coords_in.data + coords_in.length);
  opk::geom::BatchView view;
  view.coords = coords.data();
  view.coord_count = coords.size();
  view.ring_offsets = rings.data;
  view.ring_offset_count = rings.length;
  opk::geom::OffsetSpec spec;
  spec.kind = opk::geom::DeltaKind::kShrinkRatio;
  opk::geom::BatchOut out;
  const opk::cache::CacheStats before = cache->Stats();
  Napi::Array times = Napi::Array::New(env, static_cast<size_t>(reps));
  static double salt = 0;  // distinct perturbations across calls
  const size_t n_poly = view.polygon_count();
  for (int64_t r = 0; r < reps; ++r) {
    if (miss_every > 0) {
      salt += 1.0;
      for (size_t p = 0; p < n_poly; p += static_cast<size_t>(miss_every)) {
        // Below the integer grid (pyclipper truncates): the key changes, the rings do not.
        const size_t at = 2 * static_cast<size_t>(rings.data[p]);
        coords[at] = std::floor(coords[at]) + std::ldexp(std::fmod(salt, 65536.0) + 0.5, -20);  // JS callers use whole steps
      }
    }
    const double c0 = ThreadCpuSeconds();
    opk::Status st = opk::geom::OffsetBatch(view, &ratio, 1, spec, &out, cache.get());
    const double c1 = ThreadCpuSeconds();
    if (!st.ok()) Throw(env, st);
    times.Set(static_cast<uint32_t>(r), (c1 - c0) * 1e9);
  }
  const opk::cache::CacheStats after = cache->Stats();
  Napi::Object o = Napi::Object::New(env);
  o.Set("cpuNs", times);
  o.Set("hits", static_cast<double>(after.hits - before.hits));
  o.Set("misses", static_cast<double>(after.misses - before.misses));
  return o;
}

}  // namespace opk::binding

namespace opk::binding {

namespace {
// What a lookup does with a hit in cacheBenchThreads: copy out its (up to 24-double) array.
bool CopyOut(const opk::cache::ArrayRef& a, void* out) {
  std::memcpy(out, a.data, std::min<size_t>(a.byte_length(), 24 * sizeof(double)));
  return true;
}
}  // namespace

// cacheBenchThreads(handle, threads, opsPerThread, hot, tag, batch = 1) -> {wallNs, cpuNs, hits}
// Runs `threads` native threads doing lookups over keys 0..hot-1 (8 float64 each) against the
// shared cache, without JS: separates the cache's own scaling from V8's. batch 1: one key at a
// time as the JS get does (VisitOrGet, the value copied out during the lookup); batch > 1:
// VisitMany over `batch` keys at a time as the batch offsets do. A miss stores the value.
// Synchronous on purpose (benchmark only).
Napi::Value CacheBenchThreads(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 5) ThrowType(env, "expected (handle, threads, opsPerThread, hot, tag, batch?)");
  std::shared_ptr<opk::cache::Cache> cache = CacheHandle::CacheFromValue(info[0]);
  const int64_t threads = RequireInteger(info[1], "threads", 1, 64);
  const int64_t ops = RequireInteger(info[2], "opsPerThread", 1, int64_t{1} << 40);
  const int64_t hot = RequireInteger(info[3], "hot", 1, int64_t{1} << 32);
  const std::string tag = RequireString(info[4], "tag");
  const size_t batch =
      info.Length() > 5 && !info[5].IsUndefined() ? static_cast<size_t>(RequireInteger(info[5], "batch", 1, 2048)) : 1;
  std::vector<double> cpu(static_cast<size_t>(threads), 0.0);
  std::vector<double> hits(static_cast<size_t>(threads), 0.0);
  std::vector<std::thread> pool;
  const auto t0 = std::chrono::steady_clock::now();
  for (int64_t t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      const double c0 = ThreadCpuSeconds();
      std::vector<double> keys(batch * 8);
      std::vector<opk::cache::KeyView> views(batch);
      std::vector<unsigned char> found(batch);
      double value[24] = {};
      double copy[24] = {};
      uint32_t seed = static_cast<uint32_t>(t) * 7919u + 1u;
      double my_hits = 0;  // counted locally: hits[] entries share a cache line (false sharing)
      for (int64_t done = 0; done < ops;) {
        const size_t m = static_cast<size_t>(std::min<int64_t>(static_cast<int64_t>(batch), ops - done));
        for (size_t j = 0; j < m; ++j) {
          double* key = &keys[j * 8];
          seed = seed * 1103515245u + 12345u;
          key[0] = static_cast<double>((seed >> 8) % static_cast<uint64_t>(hot));
          for (int c = 1; c < 8; ++c) key[c] = c;
          views[j] = opk::cache::KeyView::Make(key, 8 * sizeof(double), tag);
        }
        if (batch == 1) {
          bool hit = false;
          cache->VisitOrGet(
              views[0],
              [](const opk::cache::CachedValue& v, void* out) { return CopyOut(v.array(0), out); },
              copy, &hit);
          found[0] = hit ? 1 : 0;
        } else {
          cache->VisitMany(
              views.data(), m, found.data(),
              [](size_t, const opk::cache::ValueRef& v, void* out) { return CopyOut(v.array(0), out); },
              copy);
        }
        for (size_t j = 0; j < m; ++j) {
          if (found[j] != 0) {
            my_hits += 1;
          } else {
            value[0] = keys[j * 8];
            const opk::cache::ArraySpan span{opk::cache::ElementType::kFloat64, value, 24};
            cache->PutArrays(views[j], &span, 1, false);
          }
        }
        done += static_cast<int64_t>(m);
      }
      cpu[static_cast<size_t>(t)] = ThreadCpuSeconds() - c0;
      hits[static_cast<size_t>(t)] = my_hits;
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
