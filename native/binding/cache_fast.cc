#include "binding/cache_fast.h"

#include <string>

#include "binding/cache_convert.h"
#include "binding/errors.h"

namespace opk::binding {

namespace {

using cache_glue::JsKey;

struct Bound {
  std::shared_ptr<opk::cache::Cache> cache;
};

opk::cache::Cache& CacheOf(const Napi::CallbackInfo& info) { return *static_cast<Bound*>(info.Data())->cache; }

void RequireArgs(const Napi::CallbackInfo& info, size_t n, const char* signature) {
  if (info.Length() < n) ThrowType(info.Env(), std::string("expected ") + signature);
}

struct Slab {
  void* data = nullptr;
  size_t size = 0;
};

bool CopyToSlab(const opk::cache::CachedValue& value, void* ctx) {
  const Slab& slab = *static_cast<const Slab*>(ctx);
  return cache_glue::ValueToSlab(value, slab.data, slab.size);
}

// get/peek: a small value is copied into the caller's slab during the lookup (no reference to
// the value is taken); a larger one comes back as JS arrays. -> 1 (in the slab), the arrays, or
// undefined (miss).
Napi::Value SlabLookup(const Napi::CallbackInfo& info, bool peek) {
  Napi::Env env = info.Env();
  JsKey key(env, info[0], info[1]);
  Slab slab;
  if (napi_get_arraybuffer_info(env, info[2], &slab.data, &slab.size) != napi_ok) {
    ThrowType(env, "slab must be an ArrayBuffer");
  }
  bool hit = false;
  opk::cache::Cache& cache = CacheOf(info);
  const opk::cache::ValuePtr v = peek ? cache.PeekOrVisit(key.view(), CopyToSlab, &slab, &hit)
                                      : cache.VisitOrGet(key.view(), CopyToSlab, &slab, &hit);
  if (!hit) return env.Undefined();
  if (!v) return Napi::Number::New(env, 1);
  return Napi::Value(env, cache_glue::ValueToJs(env, *v));
}

Napi::Value FastGet(const Napi::CallbackInfo& info) {
  RequireArgs(info, 3, "get(key, tag, slab)");
  return SlabLookup(info, false);
}

Napi::Value FastPeek(const Napi::CallbackInfo& info) {
  RequireArgs(info, 3, "peek(key, tag, slab)");
  return SlabLookup(info, true);
}

Napi::Value FastHas(const Napi::CallbackInfo& info) {
  RequireArgs(info, 2, "has(key, tag)");
  JsKey key(info.Env(), info[0], info[1]);
  return Napi::Boolean::New(info.Env(), CacheOf(info).Has(key.view()));
}

Napi::Value FastSet(const Napi::CallbackInfo& info) {
  RequireArgs(info, 3, "set(key, tag, value)");
  Napi::Env env = info.Env();
  JsKey key(env, info[0], info[1]);
  return Napi::Boolean::New(env, cache_glue::PutFromJs(env, CacheOf(info), key.view(), info[2]));
}

Napi::Value FastDelete(const Napi::CallbackInfo& info) {
  RequireArgs(info, 2, "delete(key, tag)");
  JsKey key(info.Env(), info[0], info[1]);
  return Napi::Boolean::New(info.Env(), CacheOf(info).Delete(key.view()));
}

template <Napi::Value (*Fn)(const Napi::CallbackInfo&)>
void Add(Napi::Env env, Napi::Object target, const char* name, const std::shared_ptr<opk::cache::Cache>& cache) {
  auto* bound = new Bound{cache};
  Napi::Function fn = Napi::Function::New<Guarded<Fn>>(env, name, bound);
  napi_status s = napi_add_finalizer(
      env, fn, bound, [](napi_env, void* data, void*) { delete static_cast<Bound*>(data); }, nullptr, nullptr);
  if (s != napi_ok) {
    delete bound;
    throw MakeError(env, ErrorKind::kGeneric, "ERR_INTERNAL", "could not attach a finalizer");
  }
  target.Set(name, fn);
}

}  // namespace

Napi::Object MakeFastMethods(Napi::Env env, const std::shared_ptr<opk::cache::Cache>& cache) {
  Napi::Object o = Napi::Object::New(env);
  Add<FastGet>(env, o, "get", cache);
  Add<FastPeek>(env, o, "peek", cache);
  Add<FastHas>(env, o, "has", cache);
  Add<FastSet>(env, o, "set", cache);
  Add<FastDelete>(env, o, "delete", cache);
  return o;
}

}  // namespace opk::binding
