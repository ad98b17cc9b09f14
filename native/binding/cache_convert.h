// Conversions between JS values and cache keys/values (cache area glue).
#pragma once

#include <napi.h>

#include <string>
#include <string_view>

#include "cache/cache.h"
#include "cache/value.h"

namespace opk::binding::cache_glue {

// A key read from (Float64Array, string tag). Owns a copy of the tag when it is long; the
// coordinate bytes stay in the JS typed array (valid for the duration of the call).
class JsKey {
 public:
  // Throws ERR_INVALID_ARGUMENT (TypeError) when `coords` is not a Float64Array or `tag` not a
  // string, ERR_INVALID_KEY (RangeError) when a coordinate is NaN or ±Infinity.
  JsKey(Napi::Env env, napi_value coords, napi_value tag);
  const opk::cache::KeyView& view() const { return view_; }

 private:
  char small_[256];
  std::string big_;
  opk::cache::KeyView view_;
};

// Stores a typed array, or an array of typed arrays, under `key` (one copy, straight into the
// entry). Returns set()'s result: true = stored, false = rejected by maxEntrySize. Throws
// ERR_INVALID_ARGUMENT for other values, ERR_OUT_OF_MEMORY when allocation fails.
bool PutFromJs(Napi::Env env, opk::cache::Cache& cache, const opk::cache::KeyView& key, napi_value value);

// Maps Cache::Put's result to set()'s return value (true = stored, false = rejected by
// maxEntrySize); throws ERR_OUT_OF_MEMORY / ERR_INVALID_KEY for the failures.
bool PutResultToJs(Napi::Env env, opk::cache::PutResult r);

// Fresh JS copies of a cached value: a typed array, or an array of typed arrays when the value
// was stored as a list.
napi_value ValueToJs(Napi::Env env, const opk::cache::CachedValue& value);

// Slab protocol (fast path of get/peek): the caller passes a JS-owned ArrayBuffer (its
// per-thread slab) whose first u32 holds the byte offset (a multiple of 8, >= 8) where the
// result may be written. ValueToSlab writes there
//   u32[0] = is_list, u32[1] = count, then per array i: u32[2+2i] = element type,
//   u32[3+2i] = length (elements); payload of array i at the next 8-aligned byte offset after
//   the header and the previous array,
// and JS turns each array into either an on-heap copy (TypedArray.prototype.slice, for arrays of
// at most 64 bytes: V8 keeps those on its heap) or a view on the slab that it never hands out
// again (it advances the offset past it). Either way no ArrayBuffer is created through N-API.
// Only values whose header + payload take at most kSlabMaxValueBytes go this way (JS keeps at
// least that much room free before each call); larger ones use ValueToJs (the copy dominates).
// Returns false, writing nothing, for other values, a detached/too small slab or a bad offset.
constexpr size_t kSlabMaxValueBytes = 4096;
bool ValueToSlab(const opk::cache::CachedValue& value, void* slab, size_t slab_bytes);

}  // namespace opk::binding::cache_glue
