#include "binding/areas.h"

#include <stdexcept>

#include "binding/addon_data.h"
#include "binding/args.h"
#include "binding/errors.h"
#include "common/build_info.h"
#include "common/dynamic_library.h"

namespace opk::binding {

namespace {

Napi::Value BuildInfoJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const BuildInfo& b = GetBuildInfo();
  Napi::Object o = Napi::Object::New(env);
  o.Set("version", b.version);
  o.Set("compiler", b.compiler);
  o.Set("buildType", b.build_type);
  o.Set("sanitizers", b.sanitizers);
  o.Set("fmaContraction", b.fma_contraction);
  o.Set("napiVersion", NAPI_VERSION);
  return o;
}

Napi::Value LiveEnvironments(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), AddonData::live_environments.load());
}

// probeLibrary(names: string[]) -> {ok, path?, error?}: can one of these be dlopen'ed?
Napi::Value ProbeLibrary(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsArray()) ThrowType(env, "names must be an array of strings");
  Napi::Array arr = info[0].As<Napi::Array>();
  std::vector<std::string> names;
  for (uint32_t i = 0; i < arr.Length(); ++i) names.push_back(RequireString(arr.Get(i), "names[i]"));
  DynamicLibrary lib;
  Napi::Object out = Napi::Object::New(env);
  bool ok = lib.Open(names);
  out.Set("ok", ok);
  if (ok) out.Set("path", lib.path());
  else out.Set("error", lib.error());
  return out;
}

// Test hook: exercises the error paths of the glue. kind: "type" | "range" | "status" |
// "std" | "alloc". Lets tests prove a C++ exception never crashes the process.
Napi::Value DebugThrow(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string kind = RequireString(info[0], "kind");
  if (kind == "type") ThrowType(env, "debug type error");
  if (kind == "range") ThrowRange(env, "debug range error");
  if (kind == "status") Throw(env, Status(StatusCode::kUnavailable, "debug unavailable", "ERR_NVML_UNAVAILABLE"));
  if (kind == "std") throw std::runtime_error("debug std exception");
  if (kind == "alloc") throw std::bad_alloc();
  ThrowType(env, "unknown kind: " + kind);
}

}  // namespace

void InitCore(Napi::Env env, Napi::Object exports) {
  exports.Set("buildInfo", Napi::Function::New<Guarded<BuildInfoJs>>(env, "buildInfo"));
  exports.Set("setErrorClasses", Napi::Function::New<Guarded<SetErrorClasses>>(env, "setErrorClasses"));
  exports.Set("liveEnvironments", Napi::Function::New<Guarded<LiveEnvironments>>(env, "liveEnvironments"));
  exports.Set("probeLibrary", Napi::Function::New<Guarded<ProbeLibrary>>(env, "probeLibrary"));
  exports.Set("debugThrow", Napi::Function::New<Guarded<DebugThrow>>(env, "debugThrow"));
}

}  // namespace opk::binding
