// Per-environment state of the addon (one instance per Node environment: main thread,
// each worker thread, each jest context). Stored with napi_set_instance_data; freed by
// Node when the environment is torn down.
#pragma once

#include <napi.h>

#include <atomic>
#include <functional>
#include <mutex>
#include <vector>

namespace opk::binding {

class AddonData {
 public:
  static AddonData* Get(Napi::Env env) { return env.GetInstanceData<AddonData>(); }

  // JS error classes registered by src/errors (setErrorClasses). Empty until then, in which
  // case the glue falls back to plain TypeError/RangeError/Error with a `code` property.
  Napi::FunctionReference type_error_class;
  Napi::FunctionReference range_error_class;
  Napi::FunctionReference generic_error_class;

  // Number of environments that have loaded the addon in this process (diagnostics).
  static std::atomic<int> live_environments;

  // Cleanup callbacks run when this environment goes away (areas register theirs, e.g. the
  // sampler stops its thread). Run in reverse order of registration.
  void OnCleanup(std::function<void()> fn) { cleanups_.push_back(std::move(fn)); }
  ~AddonData();

 private:
  std::vector<std::function<void()>> cleanups_;
};

}  // namespace opk::binding
