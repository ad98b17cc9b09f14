// Process-wide registry of named caches. Any thread (main, worker_threads, native pools) that
// opens the same name gets the same Cache object, so all of them share one memory budget and
// one set of entries.
//
// Lifetime: the registry holds a strong reference, so a named cache lives until DropCache(name)
// even when no JS handle is left (a worker may fill it and exit; another opens it later).
// DropCache only unregisters: holders of the shared_ptr keep a working, detached cache.
//
// Re-open rule: options are applied when the cache is created. Opening an existing name with
// an OpenOptions field set that differs from the cache's value fails with
// ERR_CACHE_OPTIONS_CONFLICT; unset fields accept whatever the cache has.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cache/cache.h"
#include "common/status.h"

namespace opk::cache {

// Options as given by a caller: unset fields take the CacheOptions defaults on creation and are
// not checked on re-open.
struct OpenOptions {
  std::optional<uint64_t> max_bytes;
  std::optional<uint64_t> max_entries;
  std::optional<uint64_t> max_entry_size;
  std::optional<double> ttl_ms;
  std::optional<uint32_t> shards;
  std::optional<EvictionPolicy> eviction;
  // Testing only (see CacheOptions::hash_mask); used on creation, ignored on re-open.
  std::optional<uint64_t> hash_mask;
};

// Fills `resolved` from `options` + defaults and validates it.
Status ResolveOptions(const OpenOptions& options, CacheOptions* resolved);

// Opens (or creates) the cache called `name`. Thread-safe.
Status OpenCache(const std::string& name, const OpenOptions& options, std::shared_ptr<Cache>* out);

// The cache called `name`, or null.
std::shared_ptr<Cache> FindCache(const std::string& name);

// Unregisters `name`; true if it existed. Memory is freed when the last holder lets go.
bool DropCache(const std::string& name);

// Names of the registered caches, sorted.
std::vector<std::string> ListCaches();

}  // namespace opk::cache
