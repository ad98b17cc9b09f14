#include "binding/cache_convert.h"

#include <cmath>
#include <cstring>
#include <vector>

#include "binding/errors.h"

namespace opk::binding::cache_glue {

namespace {

void Check(Napi::Env env, napi_status s) {
  if (s != napi_ok) {
    bool pending = false;
    if (napi_is_exception_pending(env, &pending) == napi_ok && pending) throw Napi::Error::New(env);
    throw MakeError(env, ErrorKind::kGeneric, "ERR_INTERNAL", "N-API call failed in the cache glue");
  }
}

}  // namespace

JsKey::JsKey(Napi::Env env, napi_value coords, napi_value tag) {
  // Hot path: rely on the info/value calls' own type checks instead of separate is_/typeof calls.
  napi_typedarray_type type;
  size_t length = 0;
  void* data = nullptr;
  if (napi_get_typedarray_info(env, coords, &type, &length, &data, nullptr, nullptr) != napi_ok ||
      type != napi_float64_array) {
    ThrowType(env, "key must be a Float64Array or an array of numbers");
  }
  const double* d = static_cast<const double*>(data);
  for (size_t i = 0; i < length; ++i) {
    if (!std::isfinite(d[i])) {
      throw MakeError(env, ErrorKind::kRange, "ERR_INVALID_KEY",
                      "key coordinates must be finite numbers; key[" + std::to_string(i) + "] is " +
                          std::to_string(d[i]));
    }
  }
  size_t tag_len = 0;
  const napi_status ts = napi_get_value_string_utf8(env, tag, small_, sizeof small_, &tag_len);
  if (ts == napi_string_expected) ThrowType(env, "tag must be a string");
  Check(env, ts);
  std::string_view tag_view(small_, tag_len);
  // A multi-byte character that does not fit makes V8 stop early: re-read anything near the end.
  if (tag_len + 4 >= sizeof small_) {
    size_t full = 0;
    Check(env, napi_get_value_string_utf8(env, tag, nullptr, 0, &full));
    big_.resize(full + 1);
    Check(env, napi_get_value_string_utf8(env, tag, big_.data(), big_.size(), &full));
    big_.resize(full);
    tag_view = std::string_view(big_.data(), big_.size());
  }
  view_ = opk::cache::KeyView::Make(data, length * sizeof(double), tag_view);
}

bool PutFromJs(Napi::Env env, opk::cache::Cache& cache, const opk::cache::KeyView& key, napi_value value) {
  using opk::cache::ArraySpan;
  using opk::cache::ElementType;
  auto read = [&](napi_value v, ArraySpan* out) -> bool {
    napi_typedarray_type type;
    size_t length = 0;
    void* data = nullptr;
    if (napi_get_typedarray_info(env, v, &type, &length, &data, nullptr, nullptr) != napi_ok) return false;
    const int t = static_cast<int>(type);
    if (t < 0 || t >= opk::cache::kElementTypeCount) return false;
    *out = ArraySpan{static_cast<ElementType>(t), data, length};
    return true;
  };
  ArraySpan one{};
  if (read(value, &one)) return PutResultToJs(env, cache.PutArrays(key, &one, 1, false));
  bool is_array = false;
  Check(env, napi_is_array(env, value, &is_array));
  if (!is_array) ThrowType(env, "value must be a typed array or an array of typed arrays");
  uint32_t n = 0;
  Check(env, napi_get_array_length(env, value, &n));
  std::vector<ArraySpan> spans(n);
  for (uint32_t i = 0; i < n; ++i) {
    napi_value el;
    Check(env, napi_get_element(env, value, i, &el));
    if (!read(el, &spans[i])) {
      ThrowType(env, "value[" + std::to_string(i) + "] must be a typed array (value must be a typed array or an "
                     "array of typed arrays)");
    }
  }
  // Element getters may run JS (an array with accessors); the spans stay valid because nothing
  // runs between reading them and the copy inside PutArrays.
  return PutResultToJs(env, cache.PutArrays(key, spans.data(), spans.size(), true));
}

namespace {
napi_value ArrayToJs(napi_env env, const opk::cache::ArrayRef& a) {
  const size_t bytes = a.byte_length();
  void* dst = nullptr;
  napi_value buffer;
  napi_value typed;
  Check(Napi::Env(env), napi_create_arraybuffer(env, bytes, &dst, &buffer));
  if (bytes > 0) std::memcpy(dst, a.data, bytes);
  Check(Napi::Env(env),
        napi_create_typedarray(env, static_cast<napi_typedarray_type>(a.type), a.length, buffer, 0, &typed));
  return typed;
}
}  // namespace

bool PutResultToJs(Napi::Env env, opk::cache::PutResult r) {
  switch (r) {
    case opk::cache::PutResult::kInserted:
    case opk::cache::PutResult::kReplaced:
      return true;
    case opk::cache::PutResult::kRejected:
      return false;
    case opk::cache::PutResult::kNoMemory:
      ThrowRange(env, "out of memory storing a cache entry", "ERR_OUT_OF_MEMORY");
    case opk::cache::PutResult::kInvalid:
      break;
  }
  ThrowRange(env, "key or tag too large to cache (4 GiB limit)", "ERR_INVALID_KEY");
}

bool ValueToSlab(const opk::cache::CachedValue& value, void* slab, size_t slab_bytes) {
  if (slab == nullptr || slab_bytes < 8) return false;
  auto* bytes = static_cast<unsigned char*>(slab);
  uint32_t start32 = 0;
  std::memcpy(&start32, bytes, sizeof start32);
  const size_t start = start32;
  const size_t count = value.count();
  if (start < 8 || (start & 7) != 0 || start >= slab_bytes || count > 0xFFFFFFFFu) return false;
  size_t end = (8 + 8 * count + 7) & ~static_cast<size_t>(7);
  if (end > kSlabMaxValueBytes) return false;
  for (size_t i = 0; i < count; ++i) {
    end = ((end + 7) & ~static_cast<size_t>(7)) + value.array(i).byte_length();
    if (end > kSlabMaxValueBytes) return false;
  }
  if (end > slab_bytes - start) return false;
  unsigned char* out = bytes + start;
  const uint32_t head[2] = {value.is_list() ? 1u : 0u, static_cast<uint32_t>(count)};
  std::memcpy(out, head, sizeof head);
  size_t offset = (8 + 8 * count + 7) & ~static_cast<size_t>(7);
  for (size_t i = 0; i < count; ++i) {
    const opk::cache::ArrayRef a = value.array(i);
    const uint32_t desc[2] = {static_cast<uint32_t>(a.type), static_cast<uint32_t>(a.length)};
    std::memcpy(out + 8 + 8 * i, desc, sizeof desc);
    offset = (offset + 7) & ~static_cast<size_t>(7);
    if (a.byte_length() > 0) std::memcpy(out + offset, a.data, a.byte_length());
    offset += a.byte_length();
  }
  return true;
}

napi_value ValueToJs(Napi::Env env, const opk::cache::CachedValue& value) {
  if (!value.is_list()) return ArrayToJs(env, value.array(0));
  napi_value arr;
  Check(env, napi_create_array_with_length(env, value.count(), &arr));
  for (size_t i = 0; i < value.count(); ++i) {
    Check(env, napi_set_element(env, arr, static_cast<uint32_t>(i), ArrayToJs(env, value.array(i))));
  }
  return arr;
}

}  // namespace opk::binding::cache_glue
