// One Init function per exported area; each lives in its own native/binding/<area>_binding.cc.
#pragma once
#include <napi.h>

namespace opk::binding {
void InitCore(Napi::Env env, Napi::Object exports);      // core_binding.cc
void InitGeometry(Napi::Env env, Napi::Object exports);  // geometry_binding.cc
void InitTargets(Napi::Env env, Napi::Object exports);   // targets_binding.cc
void InitCache(Napi::Env env, Napi::Object exports);     // cache_binding.cc
void InitMonitor(Napi::Env env, Napi::Object exports);   // monitor_binding.cc
}  // namespace opk::binding
