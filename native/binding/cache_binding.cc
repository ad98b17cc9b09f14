// N-API glue for the cache area: the CacheHandle class (cache_handle.cc) plus registry
// functions and a memory test hook.
#include "binding/areas.h"
#include "binding/args.h"
#include "binding/cache_bench_hooks.h"
#include "binding/cache_handle.h"
#include "binding/errors.h"
#include "cache/memory.h"
#include "cache/registry.h"

namespace opk::binding {

namespace {

// dropCache(name) -> boolean: unregisters a named cache (open handles keep working).
Napi::Value DropCacheJs(const Napi::CallbackInfo& info) {
  const std::string name = RequireString(info[0], "name");
  return Napi::Boolean::New(info.Env(), opk::cache::DropCache(name));
}

// listCaches() -> string[]
Napi::Value ListCachesJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::vector<std::string> names = opk::cache::ListCaches();
  Napi::Array out = Napi::Array::New(env, names.size());
  for (size_t i = 0; i < names.size(); ++i) out.Set(static_cast<uint32_t>(i), names[i]);
  return out;
}

// Test hook: bytes the process currently holds through malloc (glibc mallinfo2), 0 if unknown.
Napi::Value MallocBytesJs(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(opk::cache::ProcessMallocBytes()));
}

}  // namespace

void InitCache(Napi::Env env, Napi::Object exports) {
  CacheHandle::Init(env, exports);
  exports.Set("cacheDrop", Napi::Function::New<Guarded<DropCacheJs>>(env, "cacheDrop"));
  exports.Set("cacheList", Napi::Function::New<Guarded<ListCachesJs>>(env, "cacheList"));
  exports.Set("cacheMallocBytes", Napi::Function::New<Guarded<MallocBytesJs>>(env, "cacheMallocBytes"));
  exports.Set("cacheBenchOffsetBatch", Napi::Function::New<Guarded<CacheBenchOffsetBatch>>(env, "cacheBenchOffsetBatch"));
  exports.Set("cacheBenchThreads", Napi::Function::New<Guarded<CacheBenchThreads>>(env, "cacheBenchThreads"));
}

}  // namespace opk::binding
