// Argument readers for the glue. Each one checks the JS type and throws a TypeError/RangeError
// with a stable code that names the argument, so bindings stay a few lines long.
#pragma once

#include <napi.h>

#include <cstdint>
#include <optional>
#include <string>

namespace opk::binding {

// A view of a typed array's elements (valid while the JS value is alive and not detached).
template <typename T>
struct ArrayView {
  T* data = nullptr;
  size_t length = 0;
};

Napi::Object RequireObject(const Napi::CallbackInfo& info, size_t index, const char* name);
double RequireNumber(const Napi::Value& v, const char* name);
double RequireFiniteNumber(const Napi::Value& v, const char* name);
int64_t RequireInteger(const Napi::Value& v, const char* name, int64_t min, int64_t max);
bool RequireBoolean(const Napi::Value& v, const char* name);
std::string RequireString(const Napi::Value& v, const char* name);

ArrayView<double> RequireFloat64Array(const Napi::Value& v, const char* name);
ArrayView<float> RequireFloat32Array(const Napi::Value& v, const char* name);
ArrayView<uint32_t> RequireUint32Array(const Napi::Value& v, const char* name);
ArrayView<uint8_t> RequireUint8Array(const Napi::Value& v, const char* name);

// Optional object properties: absent or undefined gives the default.
double OptionalNumber(const Napi::Object& o, const char* key, double fallback);
double OptionalFiniteNumber(const Napi::Object& o, const char* key, double fallback);
int64_t OptionalInteger(const Napi::Object& o, const char* key, int64_t fallback, int64_t min, int64_t max);
bool OptionalBoolean(const Napi::Object& o, const char* key, bool fallback);
std::optional<std::string> OptionalString(const Napi::Object& o, const char* key);
bool HasValue(const Napi::Object& o, const char* key);

}  // namespace opk::binding
