// N-API glue for the geometry area: batched offsetting (sync and on a worker thread) and
// boolean operations (geometry_boolean.cc). Arguments are read and copied on the main thread;
// workers touch only their own copies.
#include <algorithm>
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
#include "geometry/batch_parallel.h"

namespace opk::binding {

namespace {

using geom::BatchOut;
using geom::BatchView;
using geom::DeltaKind;
using geom::OffsetMode;
using geom::OffsetSpec;

// Packed form written by src/geometry/options.ts (packOffsetSpec): a Float64Array of
// [version, mode, join, end, miterLimit, arcTolerance, scale, preserveCollinear, reverseSolution,
//  kind, jsCompat, fastPath, maxOutputPoints (0: the default)]; saves a dozen property reads per call.
constexpr size_t kPackedSpecSize = 13;

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
  const double limit = v.data[12];  // 0: the default
  if (!(limit >= 0 && limit <= 4294967295.0 && limit == std::floor(limit))) ThrowRange(env, "packed options: bad field 12");
  if (limit != 0) s.max_output_points = static_cast<uint32_t>(limit);
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
  s.max_output_points = static_cast<uint32_t>(OptionalInteger(o, "maxOutputPoints", UINT32_MAX, 1, UINT32_MAX));
  const std::string kind = OptionalString(o, "kind").value_or("delta");
  if (kind == "delta") s.kind = DeltaKind::kDelta;
  else if (kind == "shrink") s.kind = DeltaKind::kShrinkRatio;
  else if (kind == "unclip") s.kind = DeltaKind::kUnclipRatio;
  else ThrowRange(env, "kind must be 'delta', 'shrink' or 'unclip', got '" + kind + "'", "ERR_INVALID_ARGUMENT");
  return s;
}

// One typed-array argument with a single napi_get_typedarray_info call; anything else goes to the
// standard reader, which throws its usual TypeError.
template <typename T, napi_typedarray_type Type>
ArrayView<T> TypedArg(const Napi::CallbackInfo& info, size_t i, const char* name) {
  napi_typedarray_type type;
  size_t length = 0;
  void* data = nullptr;
  if (i < info.Length() &&
      napi_get_typedarray_info(info.Env(), info[i], &type, &length, &data, nullptr, nullptr) == napi_ok && type == Type)
    return ArrayView<T>{static_cast<T*>(data), length};
  if constexpr (Type == napi_float64_array) return RequireFloat64Array(info[i], name);
  else return RequireUint32Array(info[i], name);
}
ArrayView<double> F64Arg(const Napi::CallbackInfo& info, size_t i, const char* name) {
  return TypedArg<double, napi_float64_array>(info, i, name);
}
ArrayView<uint32_t> U32Arg(const Napi::CallbackInfo& info, size_t i, const char* name) {
  return TypedArg<uint32_t, napi_uint32_array>(info, i, name);
}

// The arguments of one offset call, viewed in place (valid during the call).
struct OffsetArgs {
  BatchView view;
  const double* values = nullptr;
  size_t value_count = 0;
  double single_value = 0;
  OffsetSpec spec;
  std::shared_ptr<cache::Cache> cache;  // optional: per-polygon results memoized (see OffsetBatch)
};

OffsetSpec ReadSpecArg(const Napi::CallbackInfo& info, size_t i) {
  // The packed form (what the TS API passes) with one N-API call.
  napi_typedarray_type type;
  size_t length = 0;
  void* data = nullptr;
  if (i < info.Length() &&
      napi_get_typedarray_info(info.Env(), info[i], &type, &length, &data, nullptr, nullptr) == napi_ok &&
      type == napi_float64_array)
    return ReadPackedSpec(info.Env(), ArrayView<double>{static_cast<double*>(data), length});
  if (info.Length() <= i || !info[i].IsObject()) ThrowType(info.Env(), "options must be an object");
  return ReadSpec(info[i].As<Napi::Object>());
}

std::shared_ptr<cache::Cache> ReadCacheArg(const Napi::CallbackInfo& info, size_t i) {
  if (info.Length() > i && !info[i].IsUndefined() && !info[i].IsNull()) return CacheHandle::CacheFromValue(info[i], "cache");
  return nullptr;
}

// offsetBatch args: (coords: Float64Array, ringOffsets: Uint32Array, polygonRings: Uint32Array|null,
//                    values: Float64Array | number, spec: object, cache?: CacheHandle,
//                    [sync only] outCoords?: Float64Array, outRingOffsets?: Uint32Array,
//                    outPolygonRings?: Uint32Array)
void ReadArgs(const Napi::CallbackInfo& info, OffsetArgs* a) {
  ArrayView<double> coords = F64Arg(info, 0, "coords");
  ArrayView<uint32_t> rings = U32Arg(info, 1, "ringOffsets");
  a->view.coords = coords.data;
  a->view.coord_count = coords.length;
  a->view.ring_offsets = rings.data;
  a->view.ring_offset_count = rings.length;
  if (!info[2].IsNull() && !info[2].IsUndefined()) {
    ArrayView<uint32_t> pr = U32Arg(info, 2, "polygonRings");
    a->view.polygon_rings = pr.data;
    a->view.polygon_ring_count = pr.length;
  }
  if (info[3].IsNumber()) {
    a->single_value = info[3].As<Napi::Number>().DoubleValue();
    a->values = &a->single_value;
    a->value_count = 1;
  } else {
    ArrayView<double> v = F64Arg(info, 3, "deltas");
    a->values = v.data;
    a->value_count = v.length;
  }
  a->spec = ReadSpecArg(info, 4);
  a->cache = ReadCacheArg(info, 5);
}

// The output of synchronous calls: one per thread (each Node environment runs on its own), so
// its buffers are reused from call to call.
BatchOut& SyncOut() {
  thread_local BatchOut out;
  return out;
}
// After a very large call, gives the memory back rather than keeping it for the thread's lifetime.
void TrimSyncOut() {
  BatchOut& out = SyncOut();
  if (out.coords.capacity() > (size_t{1} << 21)) out = BatchOut();
}

// One typed array of the caller's output (see CallerOutput): its data, length, ArrayBuffer and
// byte offset in one napi_get_typedarray_info call.
struct OutArray {
  void* data = nullptr;
  size_t length = 0;
  napi_value buffer = nullptr;
  size_t byte_offset = 0;
};

OutArray ReadOutArray(const Napi::CallbackInfo& info, size_t i, napi_typedarray_type want, const char* name) {
  OutArray o;
  napi_typedarray_type type;
  if (i >= info.Length() ||
      napi_get_typedarray_info(info.Env(), info[i], &type, &o.length, &o.data, &o.buffer, &o.byte_offset) != napi_ok ||
      type != want)
    ThrowType(info.Env(), std::string(name) + (want == napi_float64_array ? " must be a Float64Array" : " must be a Uint32Array"));
  return o;
}

// offsetBatch with caller-provided storage (args 6, 7, 8: out.coords, out.ringOffsets,
// out.polygonRings): the result is copied to the start of each and returned as views of those
// entries (no new ArrayBuffer, so no fresh pages to fault in when the caller reuses them). An
// array too small for the result: RangeError ERR_BUFFER_SIZE naming what it needs; nothing of
// `out` is written then.
Napi::Object CallerOutput(const Napi::CallbackInfo& info, const BatchOut& out) {
  Napi::Env env = info.Env();
  const OutArray c = ReadOutArray(info, 6, napi_float64_array, "out.coords");
  const OutArray r = ReadOutArray(info, 7, napi_uint32_array, "out.ringOffsets");
  const OutArray p = ReadOutArray(info, 8, napi_uint32_array, "out.polygonRings");
  const size_t nc = out.coords.size(), nr = out.ring_offsets.size(), np = out.polygon_rings.size();
  if (nc > c.length || nr > r.length || np > p.length)
    ThrowRange(env,
               "out buffers too small for this result: out.coords needs " + std::to_string(nc) + " (has " +
                   std::to_string(c.length) + "), out.ringOffsets " + std::to_string(nr) + " (has " +
                   std::to_string(r.length) + "), out.polygonRings " + std::to_string(np) + " (has " +
                   std::to_string(p.length) + ")",
               "ERR_BUFFER_SIZE");
  std::copy(out.coords.begin(), out.coords.end(), static_cast<double*>(c.data));
  std::copy(out.ring_offsets.begin(), out.ring_offsets.end(), static_cast<uint32_t*>(r.data));
  std::copy(out.polygon_rings.begin(), out.polygon_rings.end(), static_cast<uint32_t*>(p.data));
  napi_value views[3];
  if (napi_create_typedarray(env, napi_float64_array, nc, c.buffer, c.byte_offset, &views[0]) != napi_ok ||
      napi_create_typedarray(env, napi_uint32_array, nr, r.buffer, r.byte_offset, &views[1]) != napi_ok ||
      napi_create_typedarray(env, napi_uint32_array, np, p.buffer, p.byte_offset, &views[2]) != napi_ok)
    throw Napi::Error::New(env);
  Napi::Object o = Napi::Object::New(env);
  o.Set("coords", views[0]);
  o.Set("ringOffsets", views[1]);
  o.Set("polygonRings", views[2]);
  return o;
}

Napi::Value OffsetBatchJs(const Napi::CallbackInfo& info) {
  OffsetArgs a;
  ReadArgs(info, &a);
  BatchOut& out = SyncOut();
  Status st = geom::OffsetBatch(a.view, a.values, a.value_count, a.spec, &out, a.cache.get());
  if (!st.ok()) Throw(info.Env(), st);
  const bool caller_out = info.Length() > 6 && !info[6].IsUndefined() && !info[6].IsNull();
  Napi::Object res = caller_out ? CallerOutput(info, out) : BatchToJs(info.Env(), out);
  TrimSyncOut();
  return res;
}

// Input of one async offset call, copied so that a worker thread can own it.
struct OffsetJob {
  std::vector<double> coords;
  std::vector<uint32_t> ring_offsets;
  std::vector<uint32_t> polygon_rings;
  bool has_polygon_rings = false;
  std::vector<double> values;
  OffsetSpec spec;
  std::shared_ptr<cache::Cache> cache;
  BatchOut out;
  Status status;

  explicit OffsetJob(const OffsetArgs& a)
      : coords(a.view.coords, a.view.coords + a.view.coord_count),
        ring_offsets(a.view.ring_offsets, a.view.ring_offsets + a.view.ring_offset_count),
        has_polygon_rings(a.view.polygon_rings != nullptr),
        values(a.values, a.values + a.value_count),
        spec(a.spec),
        cache(a.cache) {
    if (has_polygon_rings) polygon_rings.assign(a.view.polygon_rings, a.view.polygon_rings + a.view.polygon_ring_count);
  }

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
  // Chunks of the batch on the shared pool; the result and any error are OffsetBatch's.
  void Run(size_t threads) {
    status = geom::OffsetBatchParallel(View(), values.data(), values.size(), spec, &out, cache.get(), threads);
  }
};

// offsetBatchAsync: ReadArgs' first six arguments, then threads (most threads, 0 = all cores).
Napi::Value OffsetBatchAsyncJs(const Napi::CallbackInfo& info) {
  OffsetArgs a;
  ReadArgs(info, &a);  // bad arguments throw synchronously (the TS wrapper turns that into a rejection)
  size_t threads = 0;
  if (info.Length() > 6 && !info[6].IsUndefined()) threads = static_cast<size_t>(RequireInteger(info[6], "threads", 0, 1024));
  auto job = std::make_shared<OffsetJob>(a);
  // The pool thread touches only `job` (a copy of every input).
  return PromiseWorker::Run(
      info.Env(), "ocr-perfkit:offsetBatch",
      [job, threads]() {
        job->Run(threads);
        return job->status;
      },
      [job](Napi::Env env) -> Napi::Value { return BatchToJs(env, job->out); });
}

// One polygon (all its rings) through one reusable Float64Array `io`, for the [[x, y], ...] API
// (src/geometry/flat.ts, offset.ts): geomOffsetOne(io, cache?). Layout of io:
//   [0, 13)   the packed options (ReadPackedSpec)
//   13, 14    nPoints, nRings; 15: the delta or ratio
//   [16, 16 + 2 nPoints)                 the points, x0, y0, x1, y1, ...
//   then nRings + 1 ring offsets (point indices, as doubles)
//   base = 16 + 2 nPoints + nRings + 1:  the output, when it fits: nOut + 1 ring offsets, then the
//                                        points; the return value is nOut.
// A result that does not fit comes back as a new {coords, ringOffsets, polygonRings} object. One
// typed array and no other number arguments: each N-API argument read costs as much as a quad's
// offsetting.
constexpr size_t kIoHeader = 16;

Napi::Value OffsetOneJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ArrayView<double> io = F64Arg(info, 0, "io");
  if (io.length < kIoHeader) ThrowRange(env, "io buffer too short");
  const double n_points = io.data[13], n_rings = io.data[14];
  const double room = static_cast<double>(io.length - kIoHeader);
  if (!(n_points >= 0 && n_rings >= 0 && n_points == std::floor(n_points) && n_rings == std::floor(n_rings) &&
        2 * n_points + n_rings + 1 <= room))
    ThrowRange(env, "io: nPoints / nRings out of range");
  const size_t np = static_cast<size_t>(n_points), nr = static_cast<size_t>(n_rings);
  const double* ring_d = io.data + kIoHeader + 2 * np;
  thread_local std::vector<uint32_t> rings;
  rings.resize(nr + 1);
  for (size_t r = 0; r <= nr; ++r) {
    const double v = ring_d[r];
    if (!(v >= 0 && v <= 4294967295.0 && v == std::floor(v))) ThrowRange(env, "io: bad ring offset");
    rings[r] = static_cast<uint32_t>(v);
  }
  OffsetArgs a;
  a.view.coords = io.data + kIoHeader;
  a.view.coord_count = 2 * np;
  a.view.ring_offsets = rings.data();
  a.view.ring_offset_count = nr + 1;
  const uint32_t groups[2] = {0, static_cast<uint32_t>(nr)};
  a.view.polygon_rings = groups;
  a.view.polygon_ring_count = 2;
  a.spec = ReadPackedSpec(env, ArrayView<double>{io.data, kPackedSpecSize});
  a.cache = ReadCacheArg(info, 1);
  const double value = io.data[15];
  BatchOut& out = SyncOut();
  Status st = geom::OffsetBatch(a.view, &value, 1, a.spec, &out, a.cache.get());
  if (!st.ok()) Throw(env, st);
  const size_t base = kIoHeader + 2 * np + nr + 1;
  const size_t n_out = out.ring_offsets.size() - 1;
  if (base + n_out + 1 + out.coords.size() > io.length) {
    Napi::Object res = BatchToJs(env, out);
    TrimSyncOut();
    return res;
  }
  double* dst = io.data + base;
  for (size_t r = 0; r <= n_out; ++r) dst[r] = out.ring_offsets[r];
  std::copy(out.coords.begin(), out.coords.end(), dst + n_out + 1);
  return Napi::Number::New(env, static_cast<double>(n_out));
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

namespace {

// An ArrayBuffer whose contents the caller overwrites entirely: the storage of a Node Buffer,
// which Node allocates without zero-filling (napi_create_arraybuffer zero-fills; for a large
// batch that memset cost a few percent of the call).
Napi::ArrayBuffer UninitializedArrayBuffer(Napi::Env env, size_t bytes) {
  napi_value buffer = nullptr, ab = nullptr;
  void* data = nullptr;
  size_t offset = 0;
  if (bytes >= 4096 && napi_create_buffer(env, bytes, &data, &buffer) == napi_ok &&
      napi_get_typedarray_info(env, buffer, nullptr, nullptr, nullptr, &ab, &offset) == napi_ok && offset == 0) {
    Napi::ArrayBuffer res(env, ab);
    if (res.ByteLength() == bytes) return res;
  }
  if (env.IsExceptionPending()) throw env.GetAndClearPendingException();
  return Napi::ArrayBuffer::New(env, bytes);
}

}  // namespace

Napi::Object BatchToJs(Napi::Env env, const geom::BatchOut& out) {
  // One ArrayBuffer holds all three arrays (doubles first, so every view is aligned): one
  // allocation per call instead of three.
  const size_t nc = out.coords.size(), nr = out.ring_offsets.size(), np = out.polygon_rings.size();
  Napi::ArrayBuffer buf = UninitializedArrayBuffer(env, 8 * nc + 4 * (nr + np));
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
  exports.Set("geomOffsetOne", Napi::Function::New<Guarded<OffsetOneJs>>(env, "geomOffsetOne"));
  InitGeometryBoolean(env, exports);
}

}  // namespace opk::binding
