// Cached values: an immutable list of typed arrays (element type + bytes), stored in one
// allocation together with the shared_ptr control block. Shared by `std::shared_ptr<const CachedValue>`: a reader that got a value
// from Cache::Get may keep using it after the entry is evicted or replaced.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>

#include "common/status.h"

namespace opk::cache {

// Element types, one per JS typed-array kind (values are stable: they cross into JS).
enum class ElementType : uint8_t {
  kInt8 = 0,
  kUint8 = 1,
  kUint8Clamped = 2,
  kInt16 = 3,
  kUint16 = 4,
  kInt32 = 5,
  kUint32 = 6,
  kFloat32 = 7,
  kFloat64 = 8,
  kBigInt64 = 9,
  kBigUint64 = 10,
};
constexpr int kElementTypeCount = 11;

size_t ElementSize(ElementType t);

// Read-only view of one array of a value.
struct ArrayRef {
  ElementType type;
  const void* data;  // aligned to 8 bytes
  size_t length;     // elements
  size_t byte_length() const { return length * ElementSize(type); }
};

// Shape of one array to allocate.
struct ArrayShape {
  ElementType type;
  size_t length;  // elements
};

// Input for CachedValue::Copy.
struct ArraySpan {
  ElementType type;
  const void* data;
  size_t length;  // elements
};

class CachedValue;
using ValuePtr = std::shared_ptr<const CachedValue>;

// A value's arrays read in place, without its CachedValue object (the cache's batched lookups
// build one from the entry, so a hit does not fetch the object's memory).
struct ValueRef {
  const unsigned char* block;  // [Desc x count][payload], see CachedValue
  size_t count;
  bool is_list;
  inline ArrayRef array(size_t i) const;
};

class CachedValue {
 public:
  // Allocates a value with the given array shapes and uninitialised payload, to be filled
  // through mutable_data() before it is published (e.g. geometry writes offset paths straight
  // into it). `is_list` records whether the JS side gave an array of arrays (returned as such)
  // or a single typed array (then `count` must be 1). Returns null and sets *status on failure
  // (bad arguments, out of memory).
  static std::shared_ptr<CachedValue> Allocate(const ArrayShape* shapes, size_t count, bool is_list,
                                               Status* status);
  // Like Allocate, with `prefix_bytes` (a multiple of 8) reserved in the same allocation in front
  // of the descriptors; *prefix receives their address. The prefix lives and dies with the value
  // (the cache keeps each entry's node, key and tag there: one allocation per entry). `arena`
  // groups allocations in memory (see BlockHeapAlloc; the cache passes the entry's shard).
  static std::shared_ptr<CachedValue> AllocateWithPrefix(const ArrayShape* shapes, size_t count, bool is_list,
                                                         size_t prefix_bytes, unsigned char** prefix,
                                                         Status* status, unsigned arena = 0);
  // Allocate + copy the given arrays.
  static std::shared_ptr<CachedValue> Copy(const ArraySpan* arrays, size_t count, bool is_list, Status* status);

  ~CachedValue();
  CachedValue(const CachedValue&) = delete;
  CachedValue& operator=(const CachedValue&) = delete;

  size_t count() const { return count_; }
  bool is_list() const { return is_list_; }
  ArrayRef array(size_t i) const { return ref().array(i); }
  ValueRef ref() const { return ValueRef{block_, count_, is_list_}; }
  void* mutable_data(size_t i);
  // Sum of the arrays' byte lengths.
  size_t payload_bytes() const { return payload_bytes_; }
  // Bytes of process memory this value's allocation holds (control block, object, prefix,
  // descriptors, payload), as reported by the allocator.
  size_t charge() const { return charge_; }
  // Bytewise equality of types, lengths and payload (used by tests and debug checks).
  bool Equals(const CachedValue& other) const;

  struct Desc {
    uint64_t length;  // elements
    uint32_t offset;  // byte offset of the array in block_ (a value's block is below 4 GiB)
    ElementType type;
  };

 private:
  struct Tag {};

 public:
  explicit CachedValue(Tag) {}

 private:
  // [Desc x count][payload, each array 8-aligned], allocated right after the shared_ptr control
  // block (see ChargingAllocator in value.cc); not owned separately.
  unsigned char* block_ = nullptr;
  size_t count_ = 0;
  size_t payload_bytes_ = 0;
  size_t charge_ = 0;
  bool is_list_ = false;
};

inline ArrayRef ValueRef::array(size_t i) const {
  CachedValue::Desc d;
  std::memcpy(&d, block + i * sizeof d, sizeof d);
  return ArrayRef{d.type, block + d.offset, static_cast<size_t>(d.length)};
}

}  // namespace opk::cache
