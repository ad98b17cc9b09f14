// Fixed-capacity ring of equal-width rows of doubles (oldest overwritten). Not thread-safe:
// the sampler guards it with its mutex.
#pragma once

#include <cstddef>
#include <vector>

namespace opk::gpu {

class RowRing {
 public:
  RowRing(size_t capacity, size_t width) : cap_(capacity), width_(width), data_(capacity * width) {}

  size_t size() const { return size_; }
  size_t capacity() const { return cap_; }
  size_t width() const { return width_; }
  size_t dropped() const { return dropped_; }

  // Slot for the next row (overwrites the oldest when full); call Commit() after filling it.
  double* Next() { return &data_[((head_ + size_) % cap_) * width_]; }
  void Commit() {
    if (size_ < cap_) {
      ++size_;
    } else {
      head_ = (head_ + 1) % cap_;
      ++dropped_;
    }
  }
  // i-th row from the oldest (0 <= i < size()).
  const double* Row(size_t i) const { return &data_[((head_ + i) % cap_) * width_]; }
  const double* Latest() const { return size_ == 0 ? nullptr : Row(size_ - 1); }
  void Clear() {
    head_ = 0;
    size_ = 0;
  }

 private:
  size_t cap_, width_;
  std::vector<double> data_;
  size_t head_ = 0, size_ = 0, dropped_ = 0;
};

}  // namespace opk::gpu
