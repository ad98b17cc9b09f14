// Shared glue for the monitor area (sampler and tracer bindings): the per-environment
// registry that stops every sampler/tracer at env teardown, tagged handles, and a promise
// worker that runs a core call off the JS thread.
#pragma once

#include <napi.h>

#include "binding/promise_worker.h"

#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "binding/errors.h"
#include "common/status.h"

namespace opk::gpu {
class Sampler;
class CuptiTracer;
}  // namespace opk::gpu

namespace opk::binding {

// Owned by the environment's cleanup hook (AddonData::OnCleanup); functions reach it
// through their `data` pointer.
struct MonitorEnv {
  std::mutex mu;
  std::vector<std::weak_ptr<gpu::Sampler>> samplers;
  std::vector<std::weak_ptr<gpu::CuptiTracer>> tracers;
  bool torn_down = false;
  void Add(const std::shared_ptr<gpu::Sampler>& s);
  void Add(const std::shared_ptr<gpu::CuptiTracer>& t);
  void CloseAll();  // env teardown: stop every thread, finalize CUPTI
};

MonitorEnv* EnvOf(const Napi::CallbackInfo& info);

// Registers `fn` on exports with the MonitorEnv as its data, wrapped in Guarded.
template <Napi::Value (*Fn)(const Napi::CallbackInfo&)>
void Export(Napi::Env env, Napi::Object exports, const char* name, MonitorEnv* data) {
  exports.Set(name, Napi::Function::New(env, &Guarded<Fn>, name, data));
}


// Tagged externals holding a shared_ptr, so a wrong handle is a TypeError, not a crash.
template <typename T>
struct Handle {
  std::shared_ptr<T> ptr;
};

extern const napi_type_tag kSamplerTag;
extern const napi_type_tag kTracerTag;

template <typename T>
Napi::Value MakeHandle(Napi::Env env, std::shared_ptr<T> ptr, const napi_type_tag* tag) {
  auto* h = new Handle<T>{std::move(ptr)};
  auto ext = Napi::External<Handle<T>>::New(env, h, [](Napi::Env, Handle<T>* p) { delete p; });
  ext.TypeTag(tag);
  return ext;
}

template <typename T>
std::shared_ptr<T> GetHandle(const Napi::CallbackInfo& info, const napi_type_tag* tag, const char* what) {
  if (info.Length() < 1 || !info[0].IsExternal() || !info[0].As<Napi::External<Handle<T>>>().CheckTypeTag(tag)) {
    ThrowType(info.Env(), std::string("expected a ") + what + " handle");
  }
  return info[0].As<Napi::External<Handle<T>>>().Data()->ptr;
}

void InitMonitorSampler(Napi::Env env, Napi::Object exports, MonitorEnv* data);  // monitor_binding.cc
void InitMonitorTracer(Napi::Env env, Napi::Object exports, MonitorEnv* data);   // monitor_tracer.cc
void InitMonitorProbe(Napi::Env env, Napi::Object exports, MonitorEnv* data);    // monitor_probe.cc

}  // namespace opk::binding
