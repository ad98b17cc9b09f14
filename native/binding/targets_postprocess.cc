// N-API glue for DB post-processing: boxesFromBitmap (sync) and boxesFromBitmapAsync (promise,
// libuv worker thread).
#include <string>
#include <vector>

#include "binding/args.h"
#include "binding/errors.h"
#include "binding/promise_worker.h"
#include "binding/targets_internal.h"
#include "targets/boxes.h"

namespace opk::binding {

namespace {

constexpr int64_t kMaxSide = 1 << 16;
constexpr int64_t kMaxPixels = int64_t{1} << 28;

struct BoxesJob {
  targets::BoxesParams params;
  std::vector<float> prob;       // the async form's own copy of the map
  const float* map = nullptr;    // the map read: the caller's array (sync form) or `prob`
  targets::BoxesResult result;
  Status status;
};

// `copy`: the async form copies the map (JS runs, and may write to the array, while the worker
// reads it). The sync form reads the caller's array in place: `prob` is read after every other
// option (the last point where a getter could run JS), and no JS runs until the call returns.
void ReadBoxesJob(const Napi::Object& o, BoxesJob* job, bool copy) {
  Napi::Env env = o.Env();
  auto& p = job->params;
  p.width = RequireInteger(o.Get("width"), "width", 1, kMaxSide);
  p.height = RequireInteger(o.Get("height"), "height", 1, kMaxSide);
  if (p.width * p.height > kMaxPixels) ThrowRange(env, "width*height exceeds 2^28");
  p.dest_width = OptionalInteger(o, "destWidth", p.width, 1, kMaxSide * 16);
  p.dest_height = OptionalInteger(o, "destHeight", p.height, 1, kMaxSide * 16);
  p.thresh = OptionalFiniteNumber(o, "thresh", 0.3);
  p.box_thresh = OptionalFiniteNumber(o, "boxThresh", 0.7);
  p.unclip_ratio = OptionalFiniteNumber(o, "unclipRatio", 1.5);
  if (p.unclip_ratio < 0) ThrowRange(env, "unclipRatio must be >= 0");
  p.max_candidates = static_cast<size_t>(OptionalInteger(o, "maxCandidates", 1000, 0, 1 << 30));
  p.min_size = OptionalFiniteNumber(o, "minSize", 3);
  p.polygon = OptionalBoolean(o, "polygon", false);
  p.score_slow = OptionalBoolean(o, "scoreSlow", false);
  p.dilate = OptionalBoolean(o, "dilate", false);
  p.polygon_epsilon = OptionalFiniteNumber(o, "polygonEpsilon", 0.01);
  if (p.polygon_epsilon < 0 || p.polygon_epsilon > 1) ThrowRange(env, "polygonEpsilon must be in [0, 1]");
  ArrayView<float> prob = RequireFloat32Array(o.Get("prob"), "prob");
  if (prob.length != static_cast<size_t>(p.width * p.height)) {
    Throw(env, Status(StatusCode::kBufferSize, "prob has " + std::to_string(prob.length) +
                                                   " elements; width*height = " + std::to_string(p.width * p.height)));
  }
  if (copy) {
    job->prob.assign(prob.data, prob.data + prob.length);
    job->map = job->prob.data();
  } else {
    job->map = prob.data;
  }
}

Napi::Object ToJs(Napi::Env env, const targets::BoxesResult& r) {
  Napi::Object o = Napi::Object::New(env);
  auto xy = Napi::Float64Array::New(env, r.xy.size());
  std::copy(r.xy.begin(), r.xy.end(), xy.Data());
  auto off = Napi::Uint32Array::New(env, r.offsets.size());
  std::copy(r.offsets.begin(), r.offsets.end(), off.Data());
  auto sc = Napi::Float64Array::New(env, r.scores.size());
  std::copy(r.scores.begin(), r.scores.end(), sc.Data());
  o.Set("xy", xy);
  o.Set("offsets", off);
  o.Set("scores", sc);
  return o;
}

Napi::Value BoxesSync(const Napi::CallbackInfo& info) {
  BoxesJob job;
  ReadBoxesJob(RequireObject(info, 0, "request"), &job, /*copy=*/false);
  job.status = targets::BoxesFromBitmap(job.map, job.params, &job.result);
  if (!job.status.ok()) Throw(info.Env(), job.status);
  return ToJs(info.Env(), job.result);
}

Napi::Value BoxesAsync(const Napi::CallbackInfo& info) {
  auto job = std::make_shared<BoxesJob>();
  ReadBoxesJob(RequireObject(info, 0, "request"), job.get(), /*copy=*/true);
  return PromiseWorker::Run(
      info.Env(), "ocr-perfkit:boxesFromBitmap",
      [job] { return targets::BoxesFromBitmap(job->map, job->params, &job->result); },
      [job](Napi::Env env) { return ToJs(env, job->result); });
}

}  // namespace

void InitTargetsPostprocess(Napi::Env env, Napi::Object exports) {
  exports.Set("boxesFromBitmap", Napi::Function::New<Guarded<BoxesSync>>(env, "boxesFromBitmap"));
  exports.Set("boxesFromBitmapAsync", Napi::Function::New<Guarded<BoxesAsync>>(env, "boxesFromBitmapAsync"));
}

}  // namespace opk::binding
