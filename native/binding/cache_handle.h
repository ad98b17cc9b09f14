// CacheHandle: the JS object that holds one reference to a process-wide named cache.
//
// Threads: every method runs on the JS thread of the environment that owns the handle; the
// cache behind it is shared with other environments (worker threads) and native code and is
// itself thread-safe. A handle keeps its cache alive (shared_ptr) even after dropCache(name).
#pragma once

#include <napi.h>

#include <memory>

#include "cache/cache.h"

namespace opk::binding {

class CacheHandle : public Napi::ObjectWrap<CacheHandle> {
 public:
  // Adds the `CacheHandle` class to `exports`.
  static void Init(Napi::Env env, Napi::Object exports);

  // new CacheHandle(name: string, options?: {maxBytes?, maxEntries?, maxEntrySize?, ttl?,
  //                 shards?}, testing?: {hashBits?: number})
  explicit CacheHandle(const Napi::CallbackInfo& info);

  const std::shared_ptr<opk::cache::Cache>& cache() const { return cache_; }

  // For other areas' glue: the cache behind a JS value that must be a CacheHandle (what
  // `PolygonCache.nativeHandle` returns), e.g. the `cache` option of offsetPaths/makeDbTargets.
  // Checked with a type tag (never mistakes another wrapped object for a handle); throws
  // TypeError ERR_INVALID_ARGUMENT otherwise. Call on the JS thread; copy the shared_ptr into
  // the AsyncWorker so the worker can use the cache without touching JS.
  static std::shared_ptr<opk::cache::Cache> CacheFromValue(const Napi::Value& v, const char* name = "cache");

 private:
  template <Napi::Value (CacheHandle::*M)(const Napi::CallbackInfo&)>
  Napi::Value Guard(const Napi::CallbackInfo& info);

  Napi::Value Get(const Napi::CallbackInfo& info);
  Napi::Value Peek(const Napi::CallbackInfo& info);
  Napi::Value FastMethods(const Napi::CallbackInfo& info);
  Napi::Value Has(const Napi::CallbackInfo& info);
  Napi::Value Set(const Napi::CallbackInfo& info);
  Napi::Value Delete(const Napi::CallbackInfo& info);
  Napi::Value Clear(const Napi::CallbackInfo& info);
  Napi::Value PurgeExpired(const Napi::CallbackInfo& info);
  Napi::Value ClearAsync(const Napi::CallbackInfo& info);
  Napi::Value GetAsync(const Napi::CallbackInfo& info);
  Napi::Value PurgeExpiredAsync(const Napi::CallbackInfo& info);
  Napi::Value Stats(const Napi::CallbackInfo& info);
  Napi::Value Options(const Napi::CallbackInfo& info);
  Napi::Value Name(const Napi::CallbackInfo& info);
  Napi::Value DebugSetClock(const Napi::CallbackInfo& info);
  Napi::Value DebugAdvanceClock(const Napi::CallbackInfo& info);

  std::shared_ptr<opk::cache::Cache> cache_;
};

}  // namespace opk::binding
