#include "cache/registry.h"

#include <algorithm>
#include <map>
#include <mutex>

namespace opk::cache {

namespace {

struct Registry {
  std::mutex mu;
  std::map<std::string, std::shared_ptr<Cache>> caches;
};

// Process-wide by design (shared across worker threads); intentionally leaked so that it
// outlives every environment teardown and static destructor order does not matter.
Registry& TheRegistry() {
  static Registry* r = new Registry();
  return *r;
}

Status Conflict(const std::string& name, const char* field) {
  return Status(StatusCode::kOutOfRange,
                "cache '" + name + "' already exists with a different " + field +
                    "; open it without that option or use another name",
                "ERR_CACHE_OPTIONS_CONFLICT");
}

}  // namespace

Status ResolveOptions(const OpenOptions& o, CacheOptions* r) {
  CacheOptions c;
  if (o.max_bytes) c.max_bytes = *o.max_bytes;
  if (o.max_entries) c.max_entries = *o.max_entries;
  if (o.max_entry_size) c.max_entry_size = *o.max_entry_size;
  if (o.ttl_ms) c.ttl_ms = *o.ttl_ms;
  if (o.shards) c.shards = *o.shards;
  if (o.eviction) c.eviction = *o.eviction;
  if (o.hash_mask) c.hash_mask = *o.hash_mask;
  OPK_RETURN_IF_ERROR(ValidateOptions(c));
  if (c.max_entry_size == 0) c.max_entry_size = c.max_bytes;  // "0 = max_bytes", made explicit
  *r = c;
  return Status::Ok();
}

Status OpenCache(const std::string& name, const OpenOptions& options, std::shared_ptr<Cache>* out) {
  if (name.empty()) return InvalidArgument("cache name must be a non-empty string");
  CacheOptions resolved;
  OPK_RETURN_IF_ERROR(ResolveOptions(options, &resolved));
  Registry& reg = TheRegistry();
  std::lock_guard<std::mutex> lock(reg.mu);
  auto it = reg.caches.find(name);
  if (it != reg.caches.end()) {
    const CacheOptions& have = it->second->options();
    if (options.max_bytes && *options.max_bytes != have.max_bytes) return Conflict(name, "maxBytes");
    if (options.max_entries && *options.max_entries != have.max_entries) return Conflict(name, "maxEntries");
    if (options.max_entry_size &&
        (*options.max_entry_size == 0 ? have.max_bytes : *options.max_entry_size) != have.max_entry_size) {
      return Conflict(name, "maxEntrySize");
    }
    if (options.ttl_ms && *options.ttl_ms != have.ttl_ms) return Conflict(name, "ttl");
    if (options.shards && *options.shards != have.shards) return Conflict(name, "shards");
    if (options.eviction && *options.eviction != have.eviction) return Conflict(name, "eviction");
    *out = it->second;
    return Status::Ok();
  }
  auto cache = std::make_shared<Cache>(name, resolved);
  reg.caches.emplace(name, cache);
  *out = std::move(cache);
  return Status::Ok();
}

std::shared_ptr<Cache> FindCache(const std::string& name) {
  Registry& reg = TheRegistry();
  std::lock_guard<std::mutex> lock(reg.mu);
  auto it = reg.caches.find(name);
  return it == reg.caches.end() ? nullptr : it->second;
}

bool DropCache(const std::string& name) {
  std::shared_ptr<Cache> doomed;  // destroyed outside the registry lock
  Registry& reg = TheRegistry();
  {
    std::lock_guard<std::mutex> lock(reg.mu);
    auto it = reg.caches.find(name);
    if (it == reg.caches.end()) return false;
    doomed = std::move(it->second);
    reg.caches.erase(it);
  }
  return true;
}

std::vector<std::string> ListCaches() {
  Registry& reg = TheRegistry();
  std::lock_guard<std::mutex> lock(reg.mu);
  std::vector<std::string> names;
  names.reserve(reg.caches.size());
  for (const auto& kv : reg.caches) names.push_back(kv.first);
  return names;
}

}  // namespace opk::cache
