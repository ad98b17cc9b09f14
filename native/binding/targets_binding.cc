// N-API glue for the targets area: DB training targets (sync and batched on the thread pool)
// and the post-processing helpers (targets_postprocess.cc).
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "binding/areas.h"
#include "binding/args.h"
#include "binding/errors.h"
#include "binding/cache_handle.h"
#include "binding/promise_worker.h"
#include "binding/targets_internal.h"
#include "cache/cache.h"
#include "targets/db_targets.h"
#include "targets/edge_kernels.h"
#include "common/thread_pool.h"

namespace opk::binding {

namespace {

using targets::DbMode;
using targets::DbOutput;
using targets::DbParams;
using targets::PolygonSet;

// One image's job, owned by C++: inputs copied, outputs pointing into caller buffers that stay
// referenced (alive) until the job is done.
struct DbJob {
  DbParams params;
  std::vector<double> xy;
  std::vector<uint32_t> offsets;
  std::vector<uint8_t> ignore;
  DbOutput out;
  std::vector<Napi::ObjectReference> keep;
  // Optional polygon cache: whole target maps memoized per image (key = the image's polygons,
  // tag = size, mode and parameters).
  std::shared_ptr<cache::Cache> cache;
  Status status;
  // Wall time of RunJob on the thread that ran it (cache lookup included), in ms.
  double compute_ms = 0;
};

float* OutputMap(const Napi::Object& o, const char* key, size_t npx, std::vector<Napi::ObjectReference>* keep) {
  ArrayView<float> v = RequireFloat32Array(o.Get(key), key);
  if (v.length != npx) {
    Throw(o.Env(), Status(StatusCode::kBufferSize, std::string(key) + " has " + std::to_string(v.length) +
                                                       " elements; width*height = " + std::to_string(npx)));
  }
  if (keep != nullptr) keep->push_back(Napi::Persistent(o.Get(key).As<Napi::Object>()));
  return v.data;
}

// Reads and validates one sample object (main thread). Throws a coded JS error on bad input.
void ReadJob(const Napi::Object& o, DbJob* job, bool keep_refs) {
  Napi::Env env = o.Env();
  DbParams& p = job->params;
  p.width = RequireInteger(o.Get("width"), "width", 1, targets::kMaxSide);
  p.height = RequireInteger(o.Get("height"), "height", 1, targets::kMaxSide);
  p.shrink_ratio = OptionalFiniteNumber(o, "shrinkRatio", 0.4);
  p.min_text_size = OptionalFiniteNumber(o, "minTextSize", 8);
  p.thresh_min = OptionalFiniteNumber(o, "threshMin", 0.3);
  p.thresh_max = OptionalFiniteNumber(o, "threshMax", 0.7);
  const std::string mode = OptionalString(o, "mode").value_or("exact");
  if (mode == "exact") p.mode = DbMode::kExact;
  else if (mode == "reference") p.mode = DbMode::kReference;
  else ThrowRange(env, "mode must be 'exact' or 'reference', got '" + mode + "'");

  ArrayView<double> xy = RequireFloat64Array(o.Get("xy"), "xy");
  ArrayView<uint32_t> offsets = RequireUint32Array(o.Get("offsets"), "offsets");
  if (xy.length % 2 != 0) Throw(env, Status(StatusCode::kBufferSize, "xy must hold an even number of values"));
  if (offsets.length == 0) Throw(env, Status(StatusCode::kBufferSize, "offsets must hold count + 1 entries"));
  const size_t count = offsets.length - 1;
  job->xy.assign(xy.data, xy.data + xy.length);
  job->offsets.assign(offsets.data, offsets.data + offsets.length);
  if (HasValue(o, "ignore")) {
    ArrayView<uint8_t> ig = RequireUint8Array(o.Get("ignore"), "ignore");
    if (ig.length != count) {
      Throw(env, Status(StatusCode::kBufferSize, "ignore has " + std::to_string(ig.length) + " entries; expected " +
                                                     std::to_string(count)));
    }
    job->ignore.assign(ig.data, ig.data + ig.length);
  }
  PolygonSet set{job->xy.data(), job->offsets.data(), count, job->ignore.empty() ? nullptr : job->ignore.data()};
  Status st = targets::ValidateDbInput(p, set, xy.length / 2);
  if (!st.ok()) Throw(env, st);

  const size_t npx = static_cast<size_t>(p.width * p.height);
  std::vector<Napi::ObjectReference>* keep = keep_refs ? &job->keep : nullptr;
  job->out.shrink_map = OutputMap(o, "shrinkMap", npx, keep);
  job->out.shrink_mask = OutputMap(o, "shrinkMask", npx, keep);
  job->out.thresh_map = OutputMap(o, "threshMap", npx, keep);
  job->out.thresh_mask = OutputMap(o, "threshMask", npx, keep);
  ArrayView<uint8_t> ig_out = RequireUint8Array(o.Get("ignoreOut"), "ignoreOut");
  if (ig_out.length != count) {
    Throw(env, Status(StatusCode::kBufferSize, "ignoreOut has " + std::to_string(ig_out.length) +
                                                   " entries; expected " + std::to_string(count)));
  }
  job->out.ignore_out = ig_out.data;
  if (keep) keep->push_back(Napi::Persistent(o.Get("ignoreOut").As<Napi::Object>()));
  if (HasValue(o, "cache")) job->cache = CacheHandle::CacheFromValue(o.Get("cache"), "cache");
}

// The cache tag of a job: everything besides the polygons that the maps depend on.
std::string CacheTag(const DbParams& p) {
  char buf[192];
  std::snprintf(buf, sizeof buf, "db.targets:v1;mode=%s;w=%lld;h=%lld;r=%.17g;min=%.17g;tmin=%.17g;tmax=%.17g",
                p.mode == DbMode::kReference ? "reference" : "exact", static_cast<long long>(p.width),
                static_cast<long long>(p.height), p.shrink_ratio, p.min_text_size, p.thresh_min, p.thresh_max);
  return buf;
}

// The cache key of a job: the exact bytes of the coordinates, the point offsets and the input
// ignore flags (absent flags and all-zero flags are different keys; both are correct).
std::string CacheKeyBytes(const DbJob& job) {
  std::string key;
  key.reserve(job.xy.size() * 8 + job.offsets.size() * 4 + job.ignore.size() + 1);
  key.append(reinterpret_cast<const char*>(job.xy.data()), job.xy.size() * sizeof(double));
  key.append(reinterpret_cast<const char*>(job.offsets.data()), job.offsets.size() * sizeof(uint32_t));
  key.push_back(job.ignore.empty() ? '\0' : '\1');
  key.append(reinterpret_cast<const char*>(job.ignore.data()), job.ignore.size());
  return key;
}

// Copies a cached result into the job's outputs; false when the entry has another shape.
bool CopyCachedTargets(const cache::CachedValue& v, DbJob* job, size_t npx, size_t count) {
  if (v.count() != 5) return false;
  float* maps[4] = {job->out.shrink_map, job->out.shrink_mask, job->out.thresh_map, job->out.thresh_mask};
  for (size_t i = 0; i < 4; ++i) {
    cache::ArrayRef a = v.array(i);
    if (a.type != cache::ElementType::kFloat32 || a.length != npx) return false;
  }
  cache::ArrayRef tags = v.array(4);
  if (tags.type != cache::ElementType::kUint8 || tags.length != count) return false;
  for (size_t i = 0; i < 4; ++i) std::memcpy(maps[i], v.array(i).data, npx * sizeof(float));
  if (count > 0) std::memcpy(job->out.ignore_out, tags.data, count);
  return true;
}

void ComputeJob(DbJob* job) {
  thread_local auto scratch = targets::NewDbScratch();
  PolygonSet set{job->xy.data(), job->offsets.data(), job->offsets.size() - 1,
                 job->ignore.empty() ? nullptr : job->ignore.data()};
  job->status = targets::MakeDbTargets(job->params, set, job->xy.size() / 2, job->out, scratch.get());
  targets::TrimDbScratch(scratch.get(), size_t{64} << 20);  // keep at most 64 MiB per buffer per thread
}

// Any thread: consults the job's cache (if any), else computes and stores the result.
void RunJobUntimed(DbJob* job) {
  if (!job->cache) {
    ComputeJob(job);
    return;
  }
  const size_t npx = static_cast<size_t>(job->params.width * job->params.height);
  const size_t count = job->offsets.size() - 1;
  const std::string key_bytes = CacheKeyBytes(*job);
  const std::string tag = CacheTag(job->params);
  const cache::KeyView key = cache::KeyView::Make(key_bytes.data(), key_bytes.size(), tag);
  if (cache::ValuePtr hit = job->cache->Get(key)) {
    if (CopyCachedTargets(*hit, job, npx, count)) {
      job->status = Status::Ok();
      return;
    }
  }
  ComputeJob(job);
  if (!job->status.ok()) return;
  const cache::ArraySpan arrays[5] = {
      {cache::ElementType::kFloat32, job->out.shrink_map, npx},
      {cache::ElementType::kFloat32, job->out.shrink_mask, npx},
      {cache::ElementType::kFloat32, job->out.thresh_map, npx},
      {cache::ElementType::kFloat32, job->out.thresh_mask, npx},
      {cache::ElementType::kUint8, job->out.ignore_out, count},
  };
  job->cache->PutArrays(key, arrays, 5, /*is_list=*/true);  // too large or no memory: just not stored
}

// RunJobUntimed with its wall time recorded in job->compute_ms (the image's own work, without the
// wait for a pool thread).
void RunJob(DbJob* job) {
  const auto t0 = std::chrono::steady_clock::now();
  RunJobUntimed(job);
  job->compute_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

// makeDbTargets(sample): synchronous, one image. Returns the image's compute time in ms.
Napi::Value MakeDbTargetsSync(const Napi::CallbackInfo& info) {
  Napi::Object o = RequireObject(info, 0, "sample");
  DbJob job;
  ReadJob(o, &job, false);
  RunJob(&job);
  if (!job.status.ok()) Throw(info.Env(), job.status);
  return Napi::Number::New(info.Env(), job.compute_ms);
}

// makeDbTargetsBatch(samples, threads = 0): a promise resolved, when every image is written, with
// a Float64Array of each image's compute time in ms.
Napi::Value MakeDbTargetsBatch(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsArray()) ThrowType(env, "samples must be an array");
  Napi::Array arr = info[0].As<Napi::Array>();
  size_t threads = 0;
  if (info.Length() > 1 && !info[1].IsUndefined()) {
    threads = static_cast<size_t>(RequireInteger(info[1], "threads", 0, 1024));
  }
  std::vector<std::unique_ptr<DbJob>> jobs;
  jobs.reserve(arr.Length());
  for (uint32_t i = 0; i < arr.Length(); ++i) {
    Napi::Value v = arr.Get(i);
    if (!v.IsObject()) ThrowType(env, "samples[" + std::to_string(i) + "] must be an object");
    auto job = std::make_unique<DbJob>();
    try {
      ReadJob(v.As<Napi::Object>(), job.get(), true);
    } catch (const Napi::Error& e) {
      Napi::Error err = e;
      err.Set("sampleIndex", Napi::Number::New(env, i));
      throw err;
    }
    jobs.push_back(std::move(job));
  }
  // Worker thread: fans the images out over the shared pool; touches only the jobs.
  auto shared = std::make_shared<std::vector<std::unique_ptr<DbJob>>>(std::move(jobs));
  return PromiseWorker::Run(env, "ocr-perfkit:makeDbTargetsBatch", [shared, threads]() -> Status {
    auto& js = *shared;
    ThreadPool::Shared().ParallelFor(js.size(), threads, [&js](size_t i) { RunJob(js[i].get()); });
    for (size_t i = 0; i < js.size(); ++i) {
      const Status& st = js[i]->status;
      if (!st.ok()) return Status(st.code(), "sample " + std::to_string(i) + ": " + st.message(), st.code_override());
    }
    return Status::Ok();
  }, [shared](Napi::Env result_env) -> Napi::Value {
    const auto& js = *shared;
    Napi::Float64Array ms = Napi::Float64Array::New(result_env, js.size());
    for (size_t i = 0; i < js.size(); ++i) ms[i] = js[i]->compute_ms;
    return ms;
  });
}

// Test hook: bitwise comparison of the SIMD+filtered reference kernel with the plain formula, and of
// the exact mode's span row merge with the flag-row merge (RefKernelSelfCheck).
Napi::Value KernelSelfCheck(const Napi::CallbackInfo& info) {
  const auto seed = static_cast<uint64_t>(RequireInteger(info[0], "seed", 0, 1LL << 40));
  const auto edges = static_cast<size_t>(RequireInteger(info[1], "edges", 0, 1000000));
  return Napi::Number::New(info.Env(), static_cast<double>(targets::RefKernelSelfCheck(seed, edges)));
}

Napi::Value PoolSize(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(ThreadPool::Shared().workers()));
}

}  // namespace

void InitTargets(Napi::Env env, Napi::Object exports) {
  exports.Set("makeDbTargets", Napi::Function::New<Guarded<MakeDbTargetsSync>>(env, "makeDbTargets"));
  exports.Set("makeDbTargetsBatch", Napi::Function::New<Guarded<MakeDbTargetsBatch>>(env, "makeDbTargetsBatch"));
  exports.Set("targetsKernelSelfCheck", Napi::Function::New<Guarded<KernelSelfCheck>>(env, "targetsKernelSelfCheck"));
  exports.Set("targetsPoolSize", Napi::Function::New<Guarded<PoolSize>>(env, "targetsPoolSize"));
  InitTargetsPostprocess(env, exports);
}

}  // namespace opk::binding
