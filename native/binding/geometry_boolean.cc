// N-API glue for boolean operations (union / intersection / difference / xor).
#include <memory>
#include <string>
#include <vector>

#include "binding/args.h"
#include "binding/errors.h"
#include "binding/geometry_internal.h"
#include "binding/promise_worker.h"
#include "geometry/boolean_ops.h"

namespace opk::binding {

namespace {

// One ring list, copied so that a pool thread can own it.
struct OwnedRings {
  std::vector<double> coords;
  std::vector<uint32_t> ring_offsets;

  geom::BatchView View() const {
    geom::BatchView v;
    v.coords = coords.data();
    v.coord_count = coords.size();
    v.ring_offsets = ring_offsets.data();
    v.ring_offset_count = ring_offsets.size();
    return v;
  }
};

// Input and output of one boolean operation.
struct BooleanJob {
  OwnedRings subject;
  OwnedRings clip;
  geom::BooleanSpec spec;
  geom::BatchOut out;

  Status Run() { return geom::BooleanOp(subject.View(), clip.View(), spec, &out); }
};

void ReadRings(const Napi::Value& coords_v, const Napi::Value& rings_v, const char* coords_name,
               const char* rings_name, OwnedRings* rings_out) {
  ArrayView<double> coords = RequireFloat64Array(coords_v, coords_name);
  ArrayView<uint32_t> rings = RequireUint32Array(rings_v, rings_name);
  rings_out->coords.assign(coords.data, coords.data + coords.length);
  rings_out->ring_offsets.assign(rings.data, rings.data + rings.length);
}

// (subjCoords, subjRingOffsets, clipCoords, clipRingOffsets, {op, fillRule, scale, ...})
void ReadJob(const Napi::CallbackInfo& info, BooleanJob* job) {
  Napi::Env env = info.Env();
  ReadRings(info[0], info[1], "subject coords", "subject ringOffsets", &job->subject);
  ReadRings(info[2], info[3], "clip coords", "clip ringOffsets", &job->clip);
  if (info.Length() < 5 || !info[4].IsObject()) ThrowType(env, "options must be an object");
  Napi::Object o = info[4].As<Napi::Object>();
  geom::BooleanSpec& spec = job->spec;
  const std::string op = RequireString(o.Get("op"), "op");
  if (op == "union") spec.op = geom::ClipOp::kUnion;
  else if (op == "intersection") spec.op = geom::ClipOp::kIntersection;
  else if (op == "difference") spec.op = geom::ClipOp::kDifference;
  else if (op == "xor") spec.op = geom::ClipOp::kXor;
  else ThrowRange(env, "op must be union | intersection | difference | xor, got '" + op + "'", "ERR_INVALID_ARGUMENT");
  const std::string fill = OptionalString(o, "fillRule").value_or("nonZero");
  if (fill == "evenOdd") spec.fill = geom::FillRule::kEvenOdd;
  else if (fill == "nonZero") spec.fill = geom::FillRule::kNonZero;
  else if (fill == "positive") spec.fill = geom::FillRule::kPositive;
  else if (fill == "negative") spec.fill = geom::FillRule::kNegative;
  else
    ThrowRange(env, "fillRule must be evenOdd | nonZero | positive | negative, got '" + fill + "'",
               "ERR_INVALID_ARGUMENT");
  spec.scale = OptionalFiniteNumber(o, "scale", 100.0);
  if (!(spec.scale > 0)) ThrowRange(env, "scale must be > 0");
  spec.preserve_collinear = OptionalBoolean(o, "preserveCollinear", false);
  spec.reverse_solution = OptionalBoolean(o, "reverseSolution", false);
  spec.clipper2_intersections = !OptionalBoolean(o, "clipper642", false);
  spec.max_output_points = static_cast<uint32_t>(OptionalInteger(o, "maxOutputPoints", UINT32_MAX, 1, UINT32_MAX));
}

Napi::Value BooleanOpJs(const Napi::CallbackInfo& info) {
  BooleanJob job;
  ReadJob(info, &job);
  Status st = job.Run();
  if (!st.ok()) Throw(info.Env(), st);
  return BatchToJs(info.Env(), job.out);
}

// Same arguments; the sweep runs on a libuv pool thread over copies of the inputs.
Napi::Value BooleanOpAsyncJs(const Napi::CallbackInfo& info) {
  auto job = std::make_shared<BooleanJob>();
  ReadJob(info, job.get());  // bad arguments throw synchronously (the TS wrapper turns that into a rejection)
  return PromiseWorker::Run(
      info.Env(), "ocr-perfkit:booleanOp", [job]() { return job->Run(); },
      [job](Napi::Env env) -> Napi::Value { return BatchToJs(env, job->out); });
}

}  // namespace

void InitGeometryBoolean(Napi::Env env, Napi::Object exports) {
  exports.Set("geomBooleanOp", Napi::Function::New<Guarded<BooleanOpJs>>(env, "geomBooleanOp"));
  exports.Set("geomBooleanOpAsync", Napi::Function::New<Guarded<BooleanOpAsyncJs>>(env, "geomBooleanOpAsync"));
}

}  // namespace opk::binding
