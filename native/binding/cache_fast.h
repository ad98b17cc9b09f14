// Per-handle bound functions for the hot paths of the cache (get/peek/has/set/delete).
//
// ObjectWrap methods pay for napi_unwrap on every call (a private-symbol property lookup that
// costs more than the cache lookup itself); these functions carry their cache in the function's
// own data pointer instead. Each function owns a shared_ptr to the cache, released by a
// finalizer when the function is collected or its environment is torn down.
#pragma once

#include <napi.h>

#include <memory>

#include "cache/cache.h"

namespace opk::binding {

// { get(key, tag, slab), peek(key, tag, slab), has(key, tag), set(key, tag, value),
//   delete(key, tag) } bound to `cache`. get/peek use the slab protocol of ValueToSlab.
Napi::Object MakeFastMethods(Napi::Env env, const std::shared_ptr<opk::cache::Cache>& cache);

}  // namespace opk::binding
