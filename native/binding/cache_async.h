// Asynchronous get: lookup and copy-out on the libuv pool (for large values such as whole target
// maps, whose copy would block the event loop for milliseconds).
#pragma once

#include <napi.h>

#include <memory>

#include "cache/cache.h"

namespace opk::binding {

// getAsync(key: Float64Array, tag: string) -> Promise<value | undefined>. Key and tag are copied
// on the JS thread; the pool thread looks the entry up (counting a hit or miss like get) and
// copies each array into its own buffer, which becomes the returned typed array's memory
// (external ArrayBuffer; falls back to a copy where external buffers are not allowed).
Napi::Value CacheGetAsync(Napi::Env env, const std::shared_ptr<opk::cache::Cache>& cache, napi_value key,
                          napi_value tag);

}  // namespace opk::binding
