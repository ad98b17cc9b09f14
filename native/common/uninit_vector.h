// A growable array of a trivially copyable type whose resize() leaves new elements uninitialised
// instead of zero-filling them: for buffers that are grown and then written element by element
// (batch outputs, arenas). It keeps std::vector's interface where the code uses it (size, data,
// begin/end, reserve, resize, push_back, back, assign, clear, copy and move), with growth,
// resize and push_back inline: std::vector's resize() goes through an out-of-line append that
// walks every new element, which costs more than the copy for the few dozen values a polygon
// adds.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <type_traits>
#include <utility>

namespace opk {

template <typename T>
class UninitVector {
  static_assert(std::is_trivially_copyable<T>::value && std::is_trivially_destructible<T>::value,
                "UninitVector holds trivially copyable values only");

 public:
  using value_type = T;
  using size_type = size_t;
  using iterator = T*;
  using const_iterator = const T*;

  UninitVector() = default;
  UninitVector(const UninitVector& o) { assign(o.begin(), o.end()); }
  UninitVector(UninitVector&& o) noexcept : data_(o.data_), size_(o.size_), cap_(o.cap_) {
    o.data_ = nullptr;
    o.size_ = o.cap_ = 0;
  }
  UninitVector& operator=(const UninitVector& o) {
    if (this != &o) assign(o.begin(), o.end());
    return *this;
  }
  UninitVector& operator=(UninitVector&& o) noexcept {
    if (this != &o) {
      std::free(data_);
      data_ = o.data_;
      size_ = o.size_;
      cap_ = o.cap_;
      o.data_ = nullptr;
      o.size_ = o.cap_ = 0;
    }
    return *this;
  }
  ~UninitVector() { std::free(data_); }

  size_t size() const { return size_; }
  size_t capacity() const { return cap_; }
  bool empty() const { return size_ == 0; }
  T* data() { return data_; }
  const T* data() const { return data_; }
  T* begin() { return data_; }
  T* end() { return data_ + size_; }
  const T* begin() const { return data_; }
  const T* end() const { return data_ + size_; }
  T& operator[](size_t i) { return data_[i]; }
  const T& operator[](size_t i) const { return data_[i]; }
  T& back() { return data_[size_ - 1]; }
  const T& back() const { return data_[size_ - 1]; }

  void clear() { size_ = 0; }
  void reserve(size_t n) {
    if (n > cap_) Reallocate(n);
  }
  // New elements (past the old size) are left uninitialised.
  void resize(size_t n) {
    if (n > cap_) Grow(n);
    size_ = n;
  }
  void push_back(const T& v) {
    if (size_ == cap_) Grow(size_ + 1);
    data_[size_++] = v;
  }
  void assign(const T* first, const T* last) {
    const size_t n = static_cast<size_t>(last - first);
    size_ = 0;
    reserve(n);
    if (n != 0) std::memcpy(data_, first, n * sizeof(T));
    size_ = n;
  }
  void assign(size_t n, const T& v) {
    size_ = 0;
    reserve(n);
    for (size_t i = 0; i < n; ++i) data_[i] = v;
    size_ = n;
  }

 private:
  // Room for at least n, doubling at least (amortised O(1) appends).
  void Grow(size_t n) {
    const size_t twice = cap_ > (SIZE_MAX / sizeof(T)) / 2 ? SIZE_MAX / sizeof(T) : 2 * cap_;
    Reallocate(n > twice ? n : (twice < 16 ? 16 : twice));
  }
  void Reallocate(size_t n) {
    if (n > SIZE_MAX / sizeof(T)) throw std::bad_alloc();
    T* p = static_cast<T*>(std::realloc(data_, n * sizeof(T)));
    if (p == nullptr) throw std::bad_alloc();
    data_ = p;
    cap_ = n;
  }

  T* data_ = nullptr;
  size_t size_ = 0;
  size_t cap_ = 0;
};

}  // namespace opk
