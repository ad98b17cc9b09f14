// Turning core Status values and argument problems into JS errors with stable codes.
#pragma once

#include <napi.h>

#include <string>

#include "common/status.h"

namespace opk::binding {

enum class ErrorKind { kType, kRange, kGeneric };

ErrorKind KindOf(StatusCode code);

// Builds (does not throw) a JS error object of the registered class for `kind`, with
// `code` set. Safe to call from AsyncWorker::OnError (main thread).
Napi::Error MakeError(Napi::Env env, ErrorKind kind, const std::string& code, const std::string& message);
Napi::Error MakeError(Napi::Env env, const Status& status);

// Throws as a C++ exception (NAPI_CPP_EXCEPTIONS); the export wrapper turns it into a JS throw.
[[noreturn]] void Throw(Napi::Env env, const Status& status);
[[noreturn]] void ThrowType(Napi::Env env, const std::string& message, const char* code = "ERR_INVALID_ARGUMENT");
[[noreturn]] void ThrowRange(Napi::Env env, const std::string& message, const char* code = "ERR_OUT_OF_RANGE");

// setErrorClasses({TypeError, RangeError, Error}) — called once per environment by src/errors.
Napi::Value SetErrorClasses(const Napi::CallbackInfo& info);

// Wraps a binding so that no C++ exception escapes into Node: Napi::Error is rethrown as a JS
// error, std::bad_alloc becomes ERR_OUT_OF_MEMORY, anything else ERR_INTERNAL.
template <Napi::Value (*Fn)(const Napi::CallbackInfo&)>
Napi::Value Guarded(const Napi::CallbackInfo& info);

Napi::Value GuardedCall(const Napi::CallbackInfo& info, Napi::Value (*fn)(const Napi::CallbackInfo&));

template <Napi::Value (*Fn)(const Napi::CallbackInfo&)>
Napi::Value Guarded(const Napi::CallbackInfo& info) {
  return GuardedCall(info, Fn);
}

}  // namespace opk::binding
