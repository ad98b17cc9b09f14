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

// Scratch protocol (fast path of get/peek): writes `value` into the caller's ArrayBuffer as
//   u32[0] = is_list, u32[1] = count, then per array i: u32[2+2i] = element type,
//   u32[3+2i] = length (elements); payload of array i at the next 8-aligned byte offset after
//   the header and the previous array.
// The JS side then copies each array out with one TypedArray.prototype.slice (cheaper than
// creating ArrayBuffers through N-API) as long as V8 can allocate the copies on its heap: only
// values of at most kScratchMaxArrays arrays of at most kScratchMaxArrayBytes each go this way
// (larger copies cost the same off-heap allocation either way, so the direct path is used).
// Returns false, writing nothing, for other values or when `scratch` is too small.
constexpr size_t kScratchMaxArrays = 64;
constexpr size_t kScratchMaxArrayBytes = 64;  // V8's on-heap typed-array limit
bool ValueToScratch(const opk::cache::CachedValue& value, void* scratch, size_t scratch_bytes);

}  // namespace opk::binding::cache_glue
