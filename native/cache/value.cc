#include "cache/value.h"

#include <cstddef>
#include <cstring>
#include <limits>
#include <new>

#include "cache/memory.h"

namespace opk::cache {

namespace {

constexpr size_t kAlign = 8;

size_t AlignUp(size_t n) { return (n + kAlign - 1) & ~(kAlign - 1); }

// Allocator for std::allocate_shared that (1) adds what it allocates to a charge counter, so the
// allocation is accounted exactly, and (2) allocates `extra` bytes after the control block + object
// for the value's descriptors and payload (*tail receives their address): one allocation per value,
// and a cache hit touches one contiguous block.
struct AllocPlan {
  size_t extra = 0;              // bytes wanted after the control block + object
  unsigned arena = 0;            // passed to RawAlloc
  size_t charge = 0;             // out: what the allocation costs
  unsigned char* tail = nullptr; // out: where the extra bytes start
};

// Holds only a pointer (the allocator is copied into the control block: keep that small).
template <typename T>
struct ChargingAllocator {
  using value_type = T;
  AllocPlan* plan;
  explicit ChargingAllocator(AllocPlan* p) : plan(p) {}
  template <typename U>
  ChargingAllocator(const ChargingAllocator<U>& o) : plan(o.plan) {}  // NOLINT(runtime/explicit)
  T* allocate(size_t n) {
    const size_t base = (n * sizeof(T) + 15) & ~static_cast<size_t>(15);
    void* p = RawAlloc(base + plan->extra, plan->arena);
    if (p == nullptr) throw std::bad_alloc();
    plan->charge += AllocationCharge(p, base + plan->extra);
    plan->tail = static_cast<unsigned char*>(p) + base;
    return static_cast<T*>(p);
  }
  void deallocate(T* p, size_t) { RawFree(p); }
  template <typename U>
  bool operator==(const ChargingAllocator<U>&) const { return true; }
  template <typename U>
  bool operator!=(const ChargingAllocator<U>&) const { return false; }
};

// log2 of an element size (1, 2, 4 or 8).
unsigned ElementShift(size_t element_size) { return static_cast<unsigned>(__builtin_ctzll(element_size)); }

}  // namespace

size_t ElementSize(ElementType t) {
  switch (t) {
    case ElementType::kInt8:
    case ElementType::kUint8:
    case ElementType::kUint8Clamped:
      return 1;
    case ElementType::kInt16:
    case ElementType::kUint16:
      return 2;
    case ElementType::kInt32:
    case ElementType::kUint32:
    case ElementType::kFloat32:
      return 4;
    case ElementType::kFloat64:
    case ElementType::kBigInt64:
    case ElementType::kBigUint64:
      return 8;
  }
  return 1;
}

std::shared_ptr<CachedValue> CachedValue::Allocate(const ArrayShape* shapes, size_t count, bool is_list,
                                                   Status* status) {
  return AllocateWithPrefix(shapes, count, is_list, 0, nullptr, status);
}

std::shared_ptr<CachedValue> CachedValue::AllocateWithPrefix(const ArrayShape* shapes, size_t count, bool is_list,
                                                             size_t prefix_bytes, unsigned char** prefix,
                                                             Status* status, unsigned arena) {
  *status = Status::Ok();
  if ((prefix_bytes & 7) != 0 || prefix_bytes > (std::numeric_limits<uint32_t>::max)()) {
    *status = InvalidArgument("prefix must be a multiple of 8 bytes below 4 GiB");
    return nullptr;
  }
  if (!is_list && count != 1) {
    *status = InvalidArgument("a single-array value must hold exactly one array");
    return nullptr;
  }
  if (count > (std::numeric_limits<uint32_t>::max)()) {
    *status = OutOfRange("too many arrays in one value");
    return nullptr;
  }
  size_t header = AlignUp(count * sizeof(Desc));
  size_t total = header;
  size_t payload = 0;
  for (size_t i = 0; i < count; ++i) {
    const int t = static_cast<int>(shapes[i].type);
    if (t < 0 || t >= kElementTypeCount) {
      *status = InvalidArgument("unknown element type");
      return nullptr;
    }
    const size_t es = ElementSize(shapes[i].type);
    if (shapes[i].length > ((std::numeric_limits<size_t>::max)() / 4) >> ElementShift(es)) {
      *status = OutOfRange("array too large to cache");
      return nullptr;
    }
    const size_t bytes = shapes[i].length * es;
    payload += bytes;
    total += AlignUp(bytes);
    if (total > (std::numeric_limits<uint32_t>::max)()) {  // descriptors hold 32-bit offsets
      *status = OutOfRange("value too large to cache: its arrays must total under 4 GiB");
      return nullptr;
    }
  }
  AllocPlan plan;
  plan.extra = prefix_bytes + total;
  plan.arena = arena;
  std::shared_ptr<CachedValue> v;
  try {
    v = std::allocate_shared<CachedValue>(ChargingAllocator<CachedValue>(&plan), Tag{});
  } catch (const std::bad_alloc&) {
    *status = Status(StatusCode::kOutOfMemory, "out of memory allocating a cache value");
    return nullptr;
  }
  // The block lives in the same allocation as the control block and is freed with it. (The
  // allocator copy kept in the control block points at `plan`, which is only read by allocate.)
  if (prefix != nullptr) *prefix = plan.tail;
  v->block_ = plan.tail + prefix_bytes;
  size_t offset = header;
  for (size_t i = 0; i < count; ++i) {
    // Field by field into the block (a Desc assembled on the stack and copied as a whole was
    // re-read before its byte-sized stores completed: a store-forwarding stall per Put).
    unsigned char* d = v->block_ + i * sizeof(Desc);
    const uint64_t length = shapes[i].length;
    const auto desc_offset = static_cast<uint32_t>(offset);
    std::memcpy(d + offsetof(Desc, length), &length, sizeof length);
    std::memcpy(d + offsetof(Desc, offset), &desc_offset, sizeof desc_offset);
    std::memset(d + offsetof(Desc, type), 0, sizeof(Desc) - offsetof(Desc, type));
    d[offsetof(Desc, type)] = static_cast<unsigned char>(shapes[i].type);
    offset += AlignUp(shapes[i].length * ElementSize(shapes[i].type));
  }
  v->count_ = count;
  v->payload_bytes_ = payload;
  v->charge_ = plan.charge;
  v->is_list_ = is_list;
  return v;
}

std::shared_ptr<CachedValue> CachedValue::Copy(const ArraySpan* arrays, size_t count, bool is_list,
                                               Status* status) {
  ArrayShape small[8] = {};
  std::unique_ptr<ArrayShape[]> big;
  ArrayShape* shapes = small;
  if (count > 8) {
    big.reset(new (std::nothrow) ArrayShape[count]);
    if (!big) {
      *status = Status(StatusCode::kOutOfMemory, "out of memory");
      return nullptr;
    }
    shapes = big.get();
  }
  for (size_t i = 0; i < count; ++i) shapes[i] = ArrayShape{arrays[i].type, arrays[i].length};
  std::shared_ptr<CachedValue> v = Allocate(shapes, count, is_list, status);
  if (!v) return nullptr;
  for (size_t i = 0; i < count; ++i) {
    const size_t bytes = arrays[i].length * ElementSize(arrays[i].type);
    if (bytes > 0) std::memcpy(v->mutable_data(i), arrays[i].data, bytes);
  }
  return v;
}

CachedValue::~CachedValue() = default;

void* CachedValue::mutable_data(size_t i) {
  Desc d;
  std::memcpy(&d, block_ + i * sizeof(Desc), sizeof d);
  return block_ + d.offset;
}

bool CachedValue::Equals(const CachedValue& other) const {
  if (count_ != other.count_ || is_list_ != other.is_list_) return false;
  for (size_t i = 0; i < count_; ++i) {
    ArrayRef a = array(i);
    ArrayRef b = other.array(i);
    if (a.type != b.type || a.length != b.length) return false;
    if (a.byte_length() > 0 && std::memcmp(a.data, b.data, a.byte_length()) != 0) return false;
  }
  return true;
}

}  // namespace opk::cache
