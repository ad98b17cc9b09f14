#include "binding/args.h"

#include <cmath>

#include "binding/errors.h"

namespace opk::binding {

namespace {
std::string Describe(const Napi::Value& v) {
  switch (v.Type()) {
    case napi_undefined: return "undefined";
    case napi_null: return "null";
    case napi_boolean: return "a boolean";
    case napi_number: return "a number";
    case napi_string: return "a string";
    case napi_symbol: return "a symbol";
    case napi_object: return v.IsArray() ? "an array" : (v.IsTypedArray() ? "a typed array of another type" : "an object");
    case napi_function: return "a function";
    case napi_external: return "an external";
    case napi_bigint: return "a bigint";
  }
  return "an unknown value";
}

template <typename T, napi_typedarray_type Type>
ArrayView<T> TypedArray(const Napi::Value& v, const char* name, const char* type_name) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != Type) {
    ThrowType(v.Env(), std::string(name) + " must be a " + type_name + ", got " + Describe(v));
  }
  auto arr = v.As<Napi::TypedArrayOf<T>>();
  return ArrayView<T>{arr.Data(), arr.ElementLength()};
}
}  // namespace

Napi::Object RequireObject(const Napi::CallbackInfo& info, size_t index, const char* name) {
  if (info.Length() <= index || !info[index].IsObject()) {
    ThrowType(info.Env(), std::string(name) + " must be an object, got " +
                              (info.Length() <= index ? std::string("nothing") : Describe(info[index])));
  }
  return info[index].As<Napi::Object>();
}

double RequireNumber(const Napi::Value& v, const char* name) {
  if (!v.IsNumber()) ThrowType(v.Env(), std::string(name) + " must be a number, got " + Describe(v));
  return v.As<Napi::Number>().DoubleValue();
}

double RequireFiniteNumber(const Napi::Value& v, const char* name) {
  double d = RequireNumber(v, name);
  if (!std::isfinite(d)) ThrowRange(v.Env(), std::string(name) + " must be finite, got " + std::to_string(d));
  return d;
}

int64_t RequireInteger(const Napi::Value& v, const char* name, int64_t min, int64_t max) {
  double d = RequireNumber(v, name);
  if (!std::isfinite(d) || std::floor(d) != d) {
    ThrowRange(v.Env(), std::string(name) + " must be an integer, got " + std::to_string(d));
  }
  if (d < static_cast<double>(min) || d > static_cast<double>(max)) {
    ThrowRange(v.Env(), std::string(name) + " must be in [" + std::to_string(min) + ", " + std::to_string(max) +
                            "], got " + std::to_string(d));
  }
  return static_cast<int64_t>(d);
}

bool RequireBoolean(const Napi::Value& v, const char* name) {
  if (!v.IsBoolean()) ThrowType(v.Env(), std::string(name) + " must be a boolean, got " + Describe(v));
  return v.As<Napi::Boolean>().Value();
}

std::string RequireString(const Napi::Value& v, const char* name) {
  if (!v.IsString()) ThrowType(v.Env(), std::string(name) + " must be a string, got " + Describe(v));
  return v.As<Napi::String>().Utf8Value();
}

ArrayView<double> RequireFloat64Array(const Napi::Value& v, const char* name) {
  return TypedArray<double, napi_float64_array>(v, name, "Float64Array");
}
ArrayView<float> RequireFloat32Array(const Napi::Value& v, const char* name) {
  return TypedArray<float, napi_float32_array>(v, name, "Float32Array");
}
ArrayView<uint32_t> RequireUint32Array(const Napi::Value& v, const char* name) {
  return TypedArray<uint32_t, napi_uint32_array>(v, name, "Uint32Array");
}
ArrayView<uint8_t> RequireUint8Array(const Napi::Value& v, const char* name) {
  return TypedArray<uint8_t, napi_uint8_array>(v, name, "Uint8Array");
}

bool HasValue(const Napi::Object& o, const char* key) {
  Napi::Value v = o.Get(key);
  return !v.IsUndefined();
}

double OptionalNumber(const Napi::Object& o, const char* key, double fallback) {
  Napi::Value v = o.Get(key);
  return v.IsUndefined() ? fallback : RequireNumber(v, key);
}

double OptionalFiniteNumber(const Napi::Object& o, const char* key, double fallback) {
  Napi::Value v = o.Get(key);
  return v.IsUndefined() ? fallback : RequireFiniteNumber(v, key);
}

int64_t OptionalInteger(const Napi::Object& o, const char* key, int64_t fallback, int64_t min, int64_t max) {
  Napi::Value v = o.Get(key);
  return v.IsUndefined() ? fallback : RequireInteger(v, key, min, max);
}

bool OptionalBoolean(const Napi::Object& o, const char* key, bool fallback) {
  Napi::Value v = o.Get(key);
  return v.IsUndefined() ? fallback : RequireBoolean(v, key);
}

std::optional<std::string> OptionalString(const Napi::Object& o, const char* key) {
  Napi::Value v = o.Get(key);
  if (v.IsUndefined()) return std::nullopt;
  return RequireString(v, key);
}

}  // namespace opk::binding
