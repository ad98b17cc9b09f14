#include "binding/errors.h"

#include <exception>
#include <new>

#include "binding/addon_data.h"

namespace opk::binding {

ErrorKind KindOf(StatusCode code) {
  switch (code) {
    case StatusCode::kInvalidArgument:
      return ErrorKind::kType;
    case StatusCode::kOutOfRange:
    case StatusCode::kInvalidPolygon:
    case StatusCode::kCoordinateOverflow:
    case StatusCode::kBufferSize:
    case StatusCode::kOutOfMemory:
      return ErrorKind::kRange;
    default:
      return ErrorKind::kGeneric;
  }
}

Napi::Error MakeError(Napi::Env env, ErrorKind kind, const std::string& code, const std::string& message) {
  AddonData* data = AddonData::Get(env);
  Napi::FunctionReference* ctor = nullptr;
  if (data != nullptr) {
    switch (kind) {
      case ErrorKind::kType: ctor = &data->type_error_class; break;
      case ErrorKind::kRange: ctor = &data->range_error_class; break;
      case ErrorKind::kGeneric: ctor = &data->generic_error_class; break;
    }
  }
  if (ctor != nullptr && !ctor->IsEmpty()) {
    Napi::Value obj = ctor->New({Napi::String::New(env, message), Napi::String::New(env, code)});
    return Napi::Error(env, obj);
  }
  Napi::Error err = kind == ErrorKind::kType    ? Napi::TypeError::New(env, message)
                    : kind == ErrorKind::kRange ? Napi::Error(Napi::RangeError::New(env, message))
                                                : Napi::Error::New(env, message);
  err.Set("code", Napi::String::New(env, code));
  return err;
}

Napi::Error MakeError(Napi::Env env, const Status& status) {
  const std::string code = status.code_override().empty() ? DefaultErrorCode(status.code()) : status.code_override();
  return MakeError(env, KindOf(status.code()), code, status.message());
}

void Throw(Napi::Env env, const Status& status) { throw MakeError(env, status); }

void ThrowType(Napi::Env env, const std::string& message, const char* code) {
  throw MakeError(env, ErrorKind::kType, code, message);
}

void ThrowRange(Napi::Env env, const std::string& message, const char* code) {
  throw MakeError(env, ErrorKind::kRange, code, message);
}

Napi::Value SetErrorClasses(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() != 1 || !info[0].IsObject()) ThrowType(env, "setErrorClasses expects one object");
  Napi::Object classes = info[0].As<Napi::Object>();
  AddonData* data = AddonData::Get(env);
  auto take = [&](const char* key, Napi::FunctionReference& slot) {
    Napi::Value v = classes.Get(key);
    if (!v.IsFunction()) ThrowType(env, std::string("setErrorClasses: '") + key + "' must be a class");
    slot = Napi::Persistent(v.As<Napi::Function>());
  };
  take("TypeError", data->type_error_class);
  take("RangeError", data->range_error_class);
  take("Error", data->generic_error_class);
  return env.Undefined();
}

Napi::Value GuardedCall(const Napi::CallbackInfo& info, Napi::Value (*fn)(const Napi::CallbackInfo&)) {
  Napi::Env env = info.Env();
  try {
    return fn(info);
  } catch (const Napi::Error&) {
    throw;  // already a JS error: node-addon-api rethrows it into JS
  } catch (const std::bad_alloc&) {
    throw MakeError(env, ErrorKind::kRange, "ERR_OUT_OF_MEMORY", "out of memory");
  } catch (const std::exception& e) {
    throw MakeError(env, ErrorKind::kGeneric, "ERR_INTERNAL", std::string("internal error: ") + e.what());
  } catch (...) {
    throw MakeError(env, ErrorKind::kGeneric, "ERR_INTERNAL", "internal error: unknown exception");
  }
}

}  // namespace opk::binding
