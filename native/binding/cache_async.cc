#include "binding/cache_async.h"

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "binding/cache_convert.h"
#include "binding/errors.h"

namespace opk::binding {

namespace {

struct OwnedArray {
  opk::cache::ElementType type = opk::cache::ElementType::kUint8;
  size_t length = 0;  // elements
  size_t bytes = 0;
  void* data = nullptr;  // malloc'ed; ownership passes to JS in OnOK
};

void FreeExternal(napi_env /*env*/, void* data, void* /*hint*/) { std::free(data); }

class GetWorker : public Napi::AsyncWorker {
 public:
  GetWorker(Napi::Env env, std::shared_ptr<opk::cache::Cache> cache, std::vector<double> key, std::string tag)
      : Napi::AsyncWorker(env, "ocr-perfkit:cache.getAsync"),
        deferred_(Napi::Promise::Deferred::New(env)),
        cache_(std::move(cache)),
        key_(std::move(key)),
        tag_(std::move(tag)) {}

  ~GetWorker() override {
    for (OwnedArray& a : arrays_) std::free(a.data);
  }

  Napi::Promise Promise() { return deferred_.Promise(); }

  // Pool thread: touches only the cache and this object's own buffers.
  void Execute() override {
    const opk::cache::KeyView k = opk::cache::KeyView::Make(key_.data(), key_.size() * sizeof(double), tag_);
    opk::cache::ValuePtr v = cache_->Get(k);
    if (!v) return;
    found_ = true;
    is_list_ = v->is_list();
    arrays_.resize(v->count());
    for (size_t i = 0; i < v->count(); ++i) {
      const opk::cache::ArrayRef a = v->array(i);
      OwnedArray& o = arrays_[i];
      o.type = a.type;
      o.length = a.length;
      o.bytes = a.byte_length();
      if (o.bytes > 0) {
        o.data = std::malloc(o.bytes);
        if (o.data == nullptr) {
          SetError("out of memory copying a cached value");
          return;
        }
        std::memcpy(o.data, a.data, o.bytes);
      }
    }
  }

  void OnOK() override {
    Napi::Env env = Env();
    if (!found_) {
      deferred_.Resolve(env.Undefined());
      return;
    }
    napi_value list = nullptr;
    if (is_list_ && napi_create_array_with_length(env, arrays_.size(), &list) != napi_ok) {
      deferred_.Reject(MakeError(env, ErrorKind::kGeneric, "ERR_INTERNAL", "could not create an array").Value());
      return;
    }
    for (size_t i = 0; i < arrays_.size(); ++i) {
      napi_value typed = ToTypedArray(env, arrays_[i]);
      if (typed == nullptr) {
        deferred_.Reject(MakeError(env, ErrorKind::kRange, "ERR_OUT_OF_MEMORY", "could not create a typed array").Value());
        return;
      }
      if (!is_list_) {
        deferred_.Resolve(Napi::Value(env, typed));
        return;
      }
      napi_set_element(env, list, static_cast<uint32_t>(i), typed);
    }
    deferred_.Resolve(Napi::Value(env, list));
  }

  void OnError(const Napi::Error& e) override {
    deferred_.Reject(MakeError(Env(), ErrorKind::kRange, "ERR_OUT_OF_MEMORY", e.Message()).Value());
  }

 private:
  // Hands a's buffer to JS (external ArrayBuffer) or copies it where that is not allowed.
  static napi_value ToTypedArray(napi_env env, OwnedArray& a) {
    napi_value buffer = nullptr;
    if (a.bytes > 0 &&
        napi_create_external_arraybuffer(env, a.data, a.bytes, FreeExternal, nullptr, &buffer) == napi_ok) {
      a.data = nullptr;  // owned by the ArrayBuffer now
    } else {
      bool pending = false;
      napi_is_exception_pending(env, &pending);
      if (pending) {
        napi_value ignored;
        napi_get_and_clear_last_exception(env, &ignored);
      }
      void* dst = nullptr;
      if (napi_create_arraybuffer(env, a.bytes, &dst, &buffer) != napi_ok) return nullptr;
      if (a.bytes > 0) std::memcpy(dst, a.data, a.bytes);
      std::free(a.data);
      a.data = nullptr;
    }
    napi_value typed = nullptr;
    if (napi_create_typedarray(env, static_cast<napi_typedarray_type>(a.type), a.length, buffer, 0, &typed) !=
        napi_ok) {
      return nullptr;
    }
    return typed;
  }

  Napi::Promise::Deferred deferred_;
  std::shared_ptr<opk::cache::Cache> cache_;
  std::vector<double> key_;
  std::string tag_;
  bool found_ = false;
  bool is_list_ = false;
  std::vector<OwnedArray> arrays_;
};

}  // namespace

Napi::Value CacheGetAsync(Napi::Env env, const std::shared_ptr<opk::cache::Cache>& cache, napi_value key,
                          napi_value tag) {
  cache_glue::JsKey k(env, key, tag);  // validates (types, finite coordinates) on the JS thread
  const opk::cache::KeyView& view = k.view();
  const double* d = static_cast<const double*>(view.data);
  std::vector<double> owned_key(d, d + view.size / sizeof(double));
  auto* worker = new GetWorker(env, cache, std::move(owned_key), std::string(view.tag));
  Napi::Promise p = worker->Promise();
  worker->Queue();
  return p;
}

}  // namespace opk::binding
