#include "binding/cache_handle.h"

#include <limits>
#include <new>
#include <string>

#include "binding/args.h"
#include "binding/cache_async.h"
#include "binding/cache_convert.h"
#include "binding/cache_fast.h"
#include "binding/errors.h"
#include "cache/registry.h"

namespace opk::binding {

using cache_glue::JsKey;

namespace {

constexpr int64_t kMaxSafeInteger = (int64_t{1} << 53) - 1;

// Marks JS objects that wrap a CacheHandle (napi_type_tag_object), so CacheFromValue can tell them
// from other wrapped objects.
constexpr napi_type_tag kCacheHandleTag = {0x6f706b2d63616368ull, 0x652d68616e646c65ull};

// Runs a cache operation on the libuv pool and resolves a promise with its numeric result.
// The worker owns a shared_ptr to the cache, so the handle may be collected meanwhile.
class CacheTask : public Napi::AsyncWorker {
 public:
  CacheTask(Napi::Env env, std::shared_ptr<opk::cache::Cache> cache, bool purge)
      : Napi::AsyncWorker(env, "ocr-perfkit:cache"), deferred_(Napi::Promise::Deferred::New(env)),
        cache_(std::move(cache)), purge_(purge) {}
  Napi::Promise Promise() { return deferred_.Promise(); }
  void Execute() override {  // pool thread: touches only the cache
    if (purge_) result_ = cache_->PurgeExpired();
    else cache_->Clear();
  }
  void OnOK() override { deferred_.Resolve(Napi::Number::New(Env(), static_cast<double>(result_))); }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  std::shared_ptr<opk::cache::Cache> cache_;
  bool purge_;
  uint64_t result_ = 0;
};

void RequireArgs(const Napi::CallbackInfo& info, size_t n, const char* signature) {
  if (info.Length() < n) ThrowType(info.Env(), std::string("expected ") + signature);
}

opk::cache::OpenOptions ReadOpenOptions(const Napi::Value& v) {
  opk::cache::OpenOptions o;
  if (v.IsUndefined() || v.IsNull()) return o;
  if (!v.IsObject()) ThrowType(v.Env(), "options must be an object");
  Napi::Object obj = v.As<Napi::Object>();
  if (HasValue(obj, "maxBytes")) {
    o.max_bytes = static_cast<uint64_t>(RequireInteger(obj.Get("maxBytes"), "maxBytes", 1, kMaxSafeInteger));
  }
  if (HasValue(obj, "maxEntries")) {
    o.max_entries = static_cast<uint64_t>(RequireInteger(obj.Get("maxEntries"), "maxEntries", 0, kMaxSafeInteger));
  }
  if (HasValue(obj, "maxEntrySize")) {
    o.max_entry_size =
        static_cast<uint64_t>(RequireInteger(obj.Get("maxEntrySize"), "maxEntrySize", 0, kMaxSafeInteger));
  }
  if (HasValue(obj, "ttl")) {
    const double ttl = RequireFiniteNumber(obj.Get("ttl"), "ttl");
    if (ttl < 0) ThrowRange(v.Env(), "ttl must be >= 0");
    o.ttl_ms = ttl;
  }
  if (HasValue(obj, "shards")) o.shards = static_cast<uint32_t>(RequireInteger(obj.Get("shards"), "shards", 1, 1024));
  if (HasValue(obj, "eviction")) {
    const std::string e = RequireString(obj.Get("eviction"), "eviction");
    if (e == "lru") o.eviction = opk::cache::EvictionPolicy::kLru;
    else if (e == "clock") o.eviction = opk::cache::EvictionPolicy::kClock;
    else ThrowRange(v.Env(), "eviction must be lru | clock, got '" + e + "'", "ERR_INVALID_ARGUMENT");
  }
  return o;
}

}  // namespace

void CacheHandle::Init(Napi::Env env, Napi::Object exports) {
  Napi::Function cls = DefineClass(
      env, "CacheHandle",
      {
          InstanceMethod<&CacheHandle::Guard<&CacheHandle::Get>>("get"),
          InstanceMethod<&CacheHandle::Guard<&CacheHandle::Peek>>("peek"),
          InstanceMethod<&CacheHandle::Guard<&CacheHandle::FastMethods>>("fastMethods"),
          InstanceMethod<&CacheHandle::Guard<&CacheHandle::Has>>("has"),
          InstanceMethod<&CacheHandle::Guard<&CacheHandle::Set>>("set"),
          InstanceMethod<&CacheHandle::Guard<&CacheHandle::Delete>>("delete"),
          InstanceMethod<&CacheHandle::Guard<&CacheHandle::Clear>>("clear"),
          InstanceMethod<&CacheHandle::Guard<&CacheHandle::PurgeExpired>>("purgeExpired"),
          InstanceMethod<&CacheHandle::Guard<&CacheHandle::ClearAsync>>("clearAsync"),
          InstanceMethod<&CacheHandle::Guard<&CacheHandle::GetAsync>>("getAsync"),
          InstanceMethod<&CacheHandle::Guard<&CacheHandle::PurgeExpiredAsync>>("purgeExpiredAsync"),
          InstanceMethod<&CacheHandle::Guard<&CacheHandle::Stats>>("stats"),
          InstanceMethod<&CacheHandle::Guard<&CacheHandle::Options>>("options"),
          InstanceMethod<&CacheHandle::Guard<&CacheHandle::Name>>("name"),
          InstanceMethod<&CacheHandle::Guard<&CacheHandle::DebugSetClock>>("debugSetClock"),
          InstanceMethod<&CacheHandle::Guard<&CacheHandle::DebugAdvanceClock>>("debugAdvanceClock"),
      });
  exports.Set("CacheHandle", cls);
}

CacheHandle::CacheHandle(const Napi::CallbackInfo& info) : Napi::ObjectWrap<CacheHandle>(info) {
  Napi::Env env = info.Env();
  try {
    if (!info.IsConstructCall()) ThrowType(env, "CacheHandle must be called with new");
    if (info.Length() < 1 || !info[0].IsString()) ThrowType(env, "name must be a non-empty string");
    const std::string name = info[0].As<Napi::String>().Utf8Value();
    if (name.empty()) ThrowType(env, "name must be a non-empty string");
    opk::cache::OpenOptions options = ReadOpenOptions(info.Length() > 1 ? info[1] : env.Undefined());
    if (info.Length() > 2 && info[2].IsObject()) {
      Napi::Object testing = info[2].As<Napi::Object>();
      if (HasValue(testing, "hashBits")) {
        const int64_t bits = RequireInteger(testing.Get("hashBits"), "hashBits", 0, 64);
        options.hash_mask = bits == 64 ? ~0ull : ((1ull << bits) - 1);
      }
    }
    Status st = opk::cache::OpenCache(name, options, &cache_);
    if (!st.ok()) Throw(env, st);
    if (napi_type_tag_object(env, info.This(), &kCacheHandleTag) != napi_ok) {
      throw MakeError(env, ErrorKind::kGeneric, "ERR_INTERNAL", "could not tag the cache handle");
    }
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::bad_alloc&) {
    throw MakeError(env, ErrorKind::kRange, "ERR_OUT_OF_MEMORY", "out of memory");
  } catch (const std::exception& e) {
    throw MakeError(env, ErrorKind::kGeneric, "ERR_INTERNAL", std::string("internal error: ") + e.what());
  }
}

// Same contract as GuardedCall (errors.h) for instance methods.
template <Napi::Value (CacheHandle::*M)(const Napi::CallbackInfo&)>
Napi::Value CacheHandle::Guard(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  try {
    return (this->*M)(info);
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::bad_alloc&) {
    throw MakeError(env, ErrorKind::kRange, "ERR_OUT_OF_MEMORY", "out of memory");
  } catch (const std::exception& e) {
    throw MakeError(env, ErrorKind::kGeneric, "ERR_INTERNAL", std::string("internal error: ") + e.what());
  } catch (...) {
    throw MakeError(env, ErrorKind::kGeneric, "ERR_INTERNAL", "internal error: unknown exception");
  }
}

Napi::Value CacheHandle::Get(const Napi::CallbackInfo& info) {
  RequireArgs(info, 2, "get(key, tag)");
  JsKey key(info.Env(), info[0], info[1]);
  opk::cache::ValuePtr v = cache_->Get(key.view());
  if (!v) return info.Env().Undefined();
  return Napi::Value(info.Env(), cache_glue::ValueToJs(info.Env(), *v));
}

Napi::Value CacheHandle::Peek(const Napi::CallbackInfo& info) {
  RequireArgs(info, 2, "peek(key, tag)");
  JsKey key(info.Env(), info[0], info[1]);
  opk::cache::ValuePtr v = cache_->Peek(key.view());
  if (!v) return info.Env().Undefined();
  return Napi::Value(info.Env(), cache_glue::ValueToJs(info.Env(), *v));
}

// fastMethods() -> {get, peek, has, set, delete} bound to this handle's cache (cache_fast.h).
Napi::Value CacheHandle::FastMethods(const Napi::CallbackInfo& info) { return MakeFastMethods(info.Env(), cache_); }

Napi::Value CacheHandle::Has(const Napi::CallbackInfo& info) {
  RequireArgs(info, 2, "has(key, tag)");
  JsKey key(info.Env(), info[0], info[1]);
  return Napi::Boolean::New(info.Env(), cache_->Has(key.view()));
}

// set(key, tag, value) -> true when stored, false when rejected by maxEntrySize.
Napi::Value CacheHandle::Set(const Napi::CallbackInfo& info) {
  RequireArgs(info, 3, "set(key, tag, value)");
  Napi::Env env = info.Env();
  JsKey key(env, info[0], info[1]);
  return Napi::Boolean::New(env, cache_glue::PutFromJs(env, *cache_, key.view(), info[2]));
}

Napi::Value CacheHandle::Delete(const Napi::CallbackInfo& info) {
  RequireArgs(info, 2, "delete(key, tag)");
  JsKey key(info.Env(), info[0], info[1]);
  return Napi::Boolean::New(info.Env(), cache_->Delete(key.view()));
}

Napi::Value CacheHandle::Clear(const Napi::CallbackInfo& info) {
  cache_->Clear();
  return info.Env().Undefined();
}

std::shared_ptr<opk::cache::Cache> CacheHandle::CacheFromValue(const Napi::Value& v, const char* name) {
  Napi::Env env = v.Env();
  bool tagged = false;
  if (v.IsObject() && napi_check_object_type_tag(env, v, &kCacheHandleTag, &tagged) == napi_ok && tagged) {
    return Unwrap(v.As<Napi::Object>())->cache_;
  }
  ThrowType(env, std::string(name) + " must be a PolygonCache handle (PolygonCache.nativeHandle)");
}

// getAsync(key, tag) -> Promise<value | undefined> (cache_async.h).
Napi::Value CacheHandle::GetAsync(const Napi::CallbackInfo& info) {
  RequireArgs(info, 2, "getAsync(key, tag)");
  return CacheGetAsync(info.Env(), cache_, info[0], info[1]);
}

// clearAsync() -> Promise<0>: Clear on the libuv pool (freeing a large cache takes milliseconds).
Napi::Value CacheHandle::ClearAsync(const Napi::CallbackInfo& info) {
  auto* task = new CacheTask(info.Env(), cache_, false);
  Napi::Promise p = task->Promise();
  task->Queue();
  return p;
}

// purgeExpiredAsync() -> Promise<number>: PurgeExpired on the libuv pool.
Napi::Value CacheHandle::PurgeExpiredAsync(const Napi::CallbackInfo& info) {
  auto* task = new CacheTask(info.Env(), cache_, true);
  Napi::Promise p = task->Promise();
  task->Queue();
  return p;
}

Napi::Value CacheHandle::PurgeExpired(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(cache_->PurgeExpired()));
}

Napi::Value CacheHandle::Stats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const opk::cache::CacheStats s = cache_->Stats();
  Napi::Object o = Napi::Object::New(env);
  o.Set("hits", static_cast<double>(s.hits));
  o.Set("misses", static_cast<double>(s.misses));
  o.Set("sets", static_cast<double>(s.sets));
  o.Set("evictions", static_cast<double>(s.evictions));
  o.Set("expirations", static_cast<double>(s.expirations));
  o.Set("deletes", static_cast<double>(s.deletes));
  o.Set("rejected", static_cast<double>(s.rejected));
  o.Set("contended", static_cast<double>(s.contended));
  o.Set("entries", static_cast<double>(s.entries));
  o.Set("bytes", static_cast<double>(s.bytes));
  o.Set("hitRate", s.hit_rate);
  return o;
}

Napi::Value CacheHandle::Options(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const opk::cache::CacheOptions& c = cache_->options();
  Napi::Object o = Napi::Object::New(env);
  o.Set("maxBytes", static_cast<double>(c.max_bytes));
  o.Set("maxEntries", static_cast<double>(c.max_entries));
  o.Set("maxEntrySize", static_cast<double>(c.max_entry_size == 0 ? c.max_bytes : c.max_entry_size));
  o.Set("ttl", c.ttl_ms);
  o.Set("shards", static_cast<double>(c.shards));
  o.Set("eviction", c.eviction == opk::cache::EvictionPolicy::kLru ? "lru" : "clock");
  return o;
}

Napi::Value CacheHandle::Name(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), cache_->name());
}

Napi::Value CacheHandle::DebugSetClock(const Napi::CallbackInfo& info) {
  RequireArgs(info, 1, "debugSetClock(ms)");
  cache_->SetManualClock(RequireFiniteNumber(info[0], "ms"));
  return info.Env().Undefined();
}

Napi::Value CacheHandle::DebugAdvanceClock(const Napi::CallbackInfo& info) {
  RequireArgs(info, 1, "debugAdvanceClock(ms)");
  cache_->AdvanceManualClock(RequireFiniteNumber(info[0], "ms"));
  return info.Env().Undefined();
}

}  // namespace opk::binding
