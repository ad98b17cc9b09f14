// N-API glue for the geometry area: batched offsetting (sync and on a worker thread) and
// boolean operations (geometry_boolean.cc). Arguments are read and copied on the main thread;
// workers touch only their own copies.
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "binding/areas.h"
#include "binding/args.h"
#include "binding/cache_handle.h"
#include "binding/errors.h"
#include "binding/geometry_internal.h"
#include "binding/promise_worker.h"
#include "geometry/batch.h"

namespace opk::binding {

namespace {

using geom::BatchOut;
using geom::BatchView;
using geom::DeltaKind;
using geom::OffsetMode;
using geom::OffsetSpec;

// Packed form written by src/geometry/options.ts (packOffsetSpec): a Float64Array of
// [version, mode, join, end, miterLimit, arcTolerance, scale, preserveCollinear, reverseSolution,
//  kind, jsCompat, fastPath]; saves a dozen property reads per call.
constexpr size_t kPackedSpecSize = 12;

OffsetSpec ReadPackedSpec(Napi::Env env, const ArrayView<double>& v) {
  if (v.length != kPackedSpecSize || v.data[0] != 1) ThrowType(env, "packed options: unknown layout");
  auto small = [&](size_t i, int max) {
    double d = v.data[i];
    if (!(d >= 0 && d <= max && d == static_cast<int>(d))) ThrowRange(env, "packed options: bad field " + std::to_string(i));
    return static_cast<int>(d);
  };
  OffsetSpec s;
  s.mode = small(1, 1) ? OffsetMode::kClipper2 : OffsetMode::kPyclipper;
  s.join = static_cast<geom::JoinType>(small(2, 3));
  s.end = static_cast<geom::EndType>(small(3, 4));
  s.miter_limit = v.data[4];
  s.arc_tolerance = v.data[5];
  s.scale = v.data[6];
  if (!std::isfinite(s.miter_limit) || !std::isfinite(s.arc_tolerance) || !(s.scale > 0) || !std::isfinite(s.scale))
    ThrowRange(env, "packed options: miterLimit, arcTolerance and scale must be finite (scale > 0)");
  s.preserve_collinear = small(7, 1) != 0;
  s.reverse_solution = small(8, 1) != 0;
  s.kind = static_cast<DeltaKind>(small(9, 2));
  s.js_compat = small(10, 1) != 0;
  s.fast_path = small(11, 1) != 0;
  return s;
}

OffsetSpec ReadSpec(const Napi::Object& o) {
  Napi::Env env = o.Env();
  if (o.IsTypedArray()) return ReadPackedSpec(env, RequireFloat64Array(o, "options"));
  OffsetSpec s;
  const std::string mode = OptionalString(o, "mode").value_or("pyclipper");
  if (mode == "pyclipper") s.mode = OffsetMode::kPyclipper;
  else if (mode == "clipper2") s.mode = OffsetMode::kClipper2;
  else ThrowRange(env, "mode must be 'pyclipper' or 'clipper2', got '" + mode + "'", "ERR_INVALID_ARGUMENT");
  s.join = ReadJoinType(env, OptionalString(o, "joinType").value_or("round"));
  s.end = ReadEndType(env, OptionalString(o, "endType").value_or("polygon"));
  s.miter_limit = OptionalFiniteNumber(o, "miterLimit", 2.0);
  s.arc_tolerance = OptionalFiniteNumber(o, "arcTolerance", s.mode == OffsetMode::kPyclipper ? 0.25 : 0.0);
  s.scale = OptionalFiniteNumber(o, "scale", 1.0);
  if (!(s.scale > 0)) ThrowRange(env, "scale must be > 0");
  s.preserve_collinear = OptionalBoolean(o, "preserveCollinear", false);
  s.reverse_solution = OptionalBoolean(o, "reverseSolution", false);
  s.js_compat = OptionalBoolean(o, "jsCompat", false);
  s.fast_path = OptionalBoolean(o, "fastPath", true);
  const std::string kind = OptionalString(o, "kind").value_or("delta");
  if (kind == "delta") s.kind = DeltaKind::kDelta;
  else if (kind == "shrink") s.kind = DeltaKind::kShrinkRatio;
  else if (kind == "unclip") s.kind = DeltaKind::kUnclipRatio;
  else ThrowRange(env, "kind must be 'delta', 'shrink' or 'unclip', got '" + kind + "'", "ERR_INVALID_ARGUMENT");
  return s;
}

// Input of one offset call, copied so that a worker thread can own it.
struct OffsetJob {
  std::vector<double> coords;
  std::vector<uint32_t> ring_offsets;
  std::vector<uint32_t> polygon_rings;
  bool has_polygon_rings = false;
  std::vector<double> values;
  OffsetSpec spec;
  std::shared_ptr<cache::Cache> cache;  // optional: per-polygon results memoized (see OffsetBatch)
  BatchOut out;
  Status status;

  BatchView View() const {
    BatchView v;
    v.coords = coords.data();
    v.coord_count = coords.size();
    v.ring_offsets = ring_offsets.data();
    v.ring_offset_count = ring_offsets.size();
    if (has_polygon_rings) {
      v.polygon_rings = polygon_rings.data();
      v.polygon_ring_count = polygon_rings.size();
    }
    return v;
  }
  void Run() { status = geom::OffsetBatch(View(), values.data(), values.size(), spec, &out, cache.get()); }
};

// offsetBatch args: (coords: Float64Array, ringOffsets: Uint32Array, polygonRings: Uint32Array|null,
//                    values: Float64Array | number, spec: object, cache?: CacheHandle)
void ReadJob(const Napi::CallbackInfo& info, OffsetJob* job) {
  Napi::Env env = info.Env();
  ArrayView<double> coords = RequireFloat64Array(info[0], "coords");
  ArrayView<uint32_t> rings = RequireUint32Array(info[1], "ringOffsets");
  job->coords.assign(coords.data, coords.data + coords.length);
  job->ring_offsets.assign(rings.data, rings.data + rings.length);
  if (!info[2].IsNull() && !info[2].IsUndefined()) {
    ArrayView<uint32_t> pr = RequireUint32Array(info[2], "polygonRings");
    job->polygon_rings.assign(pr.data, pr.data + pr.length);
    job->has_polygon_rings = true;
  }
  if (info[3].IsNumber()) {
    job->values.assign(1, RequireNumber(info[3], "deltas"));
  } else {
    ArrayView<double> v = RequireFloat64Array(info[3], "deltas");
    job->values.assign(v.data, v.data + v.length);
  }
  if (info.Length() < 5 || !info[4].IsObject()) ThrowType(env, "options must be an object");
  job->spec = ReadSpec(info[4].As<Napi::Object>());
  if (info.Length() > 5 && !info[5].IsUndefined() && !info[5].IsNull()) {
    job->cache = CacheHandle::CacheFromValue(info[5], "cache");
  }
}

Napi::Value OffsetBatchJs(const Napi::CallbackInfo& info) {
  OffsetJob job;
  ReadJob(info, &job);
  job.Run();
  if (!job.status.ok()) Throw(info.Env(), job.status);
  return BatchToJs(info.Env(), job.out);
}

Napi::Value OffsetBatchAsyncJs(const Napi::CallbackInfo& info) {
  auto job = std::make_shared<OffsetJob>();
  ReadJob(info, job.get());  // bad arguments throw synchronously (the TS wrapper turns that into a rejection)
  // The pool thread touches only `job` (a copy of every input).
  return PromiseWorker::Run(
      info.Env(), "ocr-perfkit:offsetBatch",
      [job]() {
        job->Run();
        return job->status;
      },
      [job](Napi::Env env) -> Napi::Value { return BatchToJs(env, job->out); });
}

}  // namespace

geom::JoinType ReadJoinType(Napi::Env env, const std::string& s) {
  if (s == "round") return geom::JoinType::kRound;
  if (s == "miter") return geom::JoinType::kMiter;
  if (s == "square") return geom::JoinType::kSquare;
  if (s == "bevel") return geom::JoinType::kBevel;
  ThrowRange(env, "joinType must be round | miter | square | bevel, got '" + s + "'", "ERR_INVALID_ARGUMENT");
}

geom::EndType ReadEndType(Napi::Env env, const std::string& s) {
  if (s == "polygon") return geom::EndType::kPolygon;
  if (s == "joined") return geom::EndType::kJoined;
  if (s == "butt") return geom::EndType::kButt;
  if (s == "square") return geom::EndType::kSquare;
  if (s == "round") return geom::EndType::kRound;
  ThrowRange(env, "endType must be polygon | joined | butt | square | round, got '" + s + "'", "ERR_INVALID_ARGUMENT");
}

Napi::Object BatchToJs(Napi::Env env, const geom::BatchOut& out) {
  // One ArrayBuffer holds all three arrays (doubles first, so every view is aligned): one
  // allocation per call instead of three.
  const size_t nc = out.coords.size(), nr = out.ring_offsets.size(), np = out.polygon_rings.size();
  Napi::ArrayBuffer buf = Napi::ArrayBuffer::New(env, 8 * nc + 4 * (nr + np));
  Napi::Float64Array coords = Napi::Float64Array::New(env, nc, buf, 0);
  Napi::Uint32Array rings = Napi::Uint32Array::New(env, nr, buf, 8 * nc);
  Napi::Uint32Array polys = Napi::Uint32Array::New(env, np, buf, 8 * nc + 4 * nr);
  std::copy(out.coords.begin(), out.coords.end(), coords.Data());
  std::copy(out.ring_offsets.begin(), out.ring_offsets.end(), rings.Data());
  std::copy(out.polygon_rings.begin(), out.polygon_rings.end(), polys.Data());
  Napi::Object o = Napi::Object::New(env);
  o.Set("coords", coords);
  o.Set("ringOffsets", rings);
  o.Set("polygonRings", polys);
  return o;
}

void InitGeometry(Napi::Env env, Napi::Object exports) {
  exports.Set("geomOffsetBatch", Napi::Function::New<Guarded<OffsetBatchJs>>(env, "geomOffsetBatch"));
  exports.Set("geomOffsetBatchAsync", Napi::Function::New<Guarded<OffsetBatchAsyncJs>>(env, "geomOffsetBatchAsync"));
  InitGeometryBoolean(env, exports);
}

}  // namespace opk::binding
