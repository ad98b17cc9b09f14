// Benchmark hooks of the cache area (exported by cache_binding.cc).
#pragma once

#include <napi.h>

namespace opk::binding {

Napi::Value CacheBenchOffsetBatch(const Napi::CallbackInfo& info);
Napi::Value CacheBenchThreads(const Napi::CallbackInfo& info);

}  // namespace opk::binding
