// N-API glue for boolean operations (union / intersection / difference / xor).
#include <string>

#include "binding/args.h"
#include "binding/errors.h"
#include "binding/geometry_internal.h"
#include "geometry/boolean_ops.h"

namespace opk::binding {

namespace {

geom::BatchView ReadRings(const Napi::Value& coords_v, const Napi::Value& rings_v, const char* coords_name,
                          const char* rings_name) {
  ArrayView<double> coords = RequireFloat64Array(coords_v, coords_name);
  ArrayView<uint32_t> rings = RequireUint32Array(rings_v, rings_name);
  geom::BatchView v;
  v.coords = coords.data;
  v.coord_count = coords.length;
  v.ring_offsets = rings.data;
  v.ring_offset_count = rings.length;
  return v;
}

// booleanOp(subjCoords, subjRingOffsets, clipCoords, clipRingOffsets, {op, fillRule, scale, ...})
Napi::Value BooleanOpJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  geom::BatchView subject = ReadRings(info[0], info[1], "subject coords", "subject ringOffsets");
  geom::BatchView clip = ReadRings(info[2], info[3], "clip coords", "clip ringOffsets");
  if (info.Length() < 5 || !info[4].IsObject()) ThrowType(env, "options must be an object");
  Napi::Object o = info[4].As<Napi::Object>();
  geom::BooleanSpec spec;
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
  geom::BatchOut out;
  Status st = geom::BooleanOp(subject, clip, spec, &out);
  if (!st.ok()) Throw(env, st);
  return BatchToJs(env, out);
}

}  // namespace

void InitGeometryBoolean(Napi::Env env, Napi::Object exports) {
  exports.Set("geomBooleanOp", Napi::Function::New<Guarded<BooleanOpJs>>(env, "geomBooleanOp"));
}

}  // namespace opk::binding
