#include "targets/map_bands.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <numeric>
#include <thread>

#if defined(__x86_64__)
#include <immintrin.h>
#define OPK_MAP_BANDS_X86 1
#endif

namespace opk::targets {

namespace {

// Staged rows of all four maps per band: about a core's L2 (measured with float staging: 128 KiB
// bands cost the reference mode ~5% more in repeated per-band polygon set-up, 1-2 MiB gained
// nothing more; with byte staging 224 KiB and 1 MiB were no better than 512 KiB).
constexpr int64_t kBandBytes = int64_t{512} << 10;

// Streams src to dst (streaming stores where dst is 16-byte aligned; the caller fences) and
// resets src to v in the same pass.
void StreamCopyReset(float* dst, float* src, size_t n, float v) {
#ifdef OPK_MAP_BANDS_X86
  size_t k = 0;
  while (k < n && (reinterpret_cast<uintptr_t>(dst + k) & 15) != 0) {
    dst[k] = src[k];
    src[k] = v;
    ++k;
  }
  const __m128 vv = _mm_set1_ps(v);
  for (; k + 8 <= n; k += 8) {
    const __m128 a = _mm_loadu_ps(src + k);
    const __m128 b = _mm_loadu_ps(src + k + 4);
    _mm_storeu_ps(src + k, vv);
    _mm_storeu_ps(src + k + 4, vv);
    _mm_stream_ps(dst + k, a);
    _mm_stream_ps(dst + k + 4, b);
  }
  for (; k < n; ++k) {
    dst[k] = src[k];
    src[k] = v;
  }
#else
  std::memcpy(dst, src, n * sizeof(float));
  std::fill(src, src + n, v);
#endif
}

// Writes bytes src[0..n) (0 or 1) to dst as 0.0f / 1.0f with streaming stores where dst is
// 16-byte aligned (the caller fences), resetting src to v in the same pass.
void StreamExpandReset(float* dst, uint8_t* src, size_t n, uint8_t v) {
  size_t k = 0;
#ifdef OPK_MAP_BANDS_X86
  while (k < n && (reinterpret_cast<uintptr_t>(dst + k) & 15) != 0) {
    dst[k] = src[k] != 0 ? 1.0f : 0.0f;
    src[k] = v;
    ++k;
  }
  const __m128i vv = _mm_set1_epi8(static_cast<char>(v));
  const __m128i zero = _mm_setzero_si128();
  // 1.0f is 0x3F800000: a non-zero byte becomes the 16-bit word 0x3F80 (its zero-byte mask
  // widened to words, then and-not), and the word goes into the upper half of a zero dword.
  const __m128i one_hi = _mm_set1_epi16(0x3F80);
  for (; k + 16 <= n; k += 16) {
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + k));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(src + k), vv);
    const __m128i z = _mm_cmpeq_epi8(b, zero);
    const __m128i lo = _mm_andnot_si128(_mm_unpacklo_epi8(z, z), one_hi);
    const __m128i hi = _mm_andnot_si128(_mm_unpackhi_epi8(z, z), one_hi);
    const __m128i q[4] = {_mm_unpacklo_epi16(zero, lo), _mm_unpackhi_epi16(zero, lo), _mm_unpacklo_epi16(zero, hi),
                          _mm_unpackhi_epi16(zero, hi)};
    for (int j = 0; j < 4; ++j) _mm_stream_ps(dst + k + 4 * j, _mm_castsi128_ps(q[j]));
  }
#endif
  for (; k < n; ++k) {
    dst[k] = src[k] != 0 ? 1.0f : 0.0f;
    src[k] = v;
  }
}

void StreamFill(float* dst, size_t n, float v) {
#ifdef OPK_MAP_BANDS_X86
  size_t k = 0;
  while (k < n && (reinterpret_cast<uintptr_t>(dst + k) & 15) != 0) dst[k++] = v;
  const __m128 vv = _mm_set1_ps(v);
  for (; k + 4 <= n; k += 4) _mm_stream_ps(dst + k, vv);
  for (; k < n; ++k) dst[k] = v;
#else
  std::fill(dst, dst + n, v);
#endif
}

// One write-out at a time, process-wide. The streaming write-out runs at the memory bus's write
// bandwidth from a single core (measured on the 2-core VM: 6.5 MB in 0.29 ms from one thread, and
// still 0.29 ms per image from two), so two threads writing at once only halve each other's
// speed; pool threads on similar images also tend to fall into step (compute together, then
// write together). Taking turns lets one thread's write-out run while the other computes: a
// thread that finds the bus busy waits (it would have been slowed down as much). Measured on the
// 2-core VM (8-image batches of SROIE pages, exact mode): pool speed-up 1.55-1.67 -> 1.64-1.76;
// no change for one thread. Waits are short (a band is ~0.5 MB, ~25 us), so the lock spins,
// yielding now and then in case the holder was descheduled.
class WriteOutLock {
 public:
  WriteOutLock() {
    for (int spins = 0; flag().exchange(true, std::memory_order_acquire);) {
      while (flag().load(std::memory_order_relaxed)) {
#ifdef OPK_MAP_BANDS_X86
        _mm_pause();
#endif
        if (++spins % 4096 == 0) std::this_thread::yield();
      }
    }
  }
  ~WriteOutLock() { flag().store(false, std::memory_order_release); }
  WriteOutLock(const WriteOutLock&) = delete;
  WriteOutLock& operator=(const WriteOutLock&) = delete;

 private:
  static std::atomic<bool>& flag() {
    static std::atomic<bool> busy{false};
    return busy;
  }
};

}  // namespace

MapBands::MapBands(const DbOutput& out, int64_t width, int64_t height, const MapBackground& bg, StagingArea* staging)
    : maps_{out.shrink_map, out.shrink_mask, out.thresh_map, out.thresh_mask},
      width_(width),
      height_(height),
      bg_(bg),
      staging_(staging) {
  for (int m : {kShrinkMap, kShrinkMask, kThreshMask}) bg_byte_[m] = bg.value[m] != 0.0f ? 1 : 0;
  row_bytes_ = (7 * width + 63) / 64 * 64;
  band_rows_ = std::max<int64_t>(1, std::min<int64_t>(height, kBandBytes / row_bytes_));
  const auto floats = static_cast<size_t>(band_rows_ * row_bytes_ / 4);
  // Rows the previous image left at this image's background (same row layout, same bits; a
  // resize keeps the buffer's leading rows).
  if (staging->width == width && std::memcmp(staging->bg.value, bg.value, sizeof bg.value) == 0) {
    clean_rows_ = std::min<int64_t>(staging->clean_rows, static_cast<int64_t>(staging->buf.size() * 4) / row_bytes_);
  }
  // Unknown until Finish() (a band left half-painted by an exception must not count as clean).
  staging->clean_rows = 0;
  staging->width = width;
  staging->bg = bg;
  if (staging->buf.size() < floats) staging->buf.resize(floats);
  buf_ = reinterpret_cast<uint8_t*>(staging->buf.data());
}

void MapBands::Begin(int64_t y0, int64_t y1) {
  y0_ = y0;
  y1_ = y1;
  // Rows below clean_rows_ still hold the background (End restores it).
  for (int64_t k = clean_rows_; k < y1 - y0; ++k) {
    float* t = reinterpret_cast<float*>(buf_ + k * row_bytes_);
    std::fill(t, t + width_, bg_.value[kThreshMap]);
    for (int m : {kShrinkMap, kShrinkMask, kThreshMask}) {
      std::memset(buf_ + k * row_bytes_ + ByteOffset(m), bg_byte_[m], static_cast<size_t>(width_));
    }
  }
  clean_rows_ = std::max(clean_rows_, y1 - y0);
}

void MapBands::End() {
  const WriteOutLock turn;
  const auto w = static_cast<size_t>(width_);
  for (int64_t y = y0_; y < y1_; ++y) {
    StreamCopyReset(maps_[kThreshMap] + y * width_, ThreshRow(y), w, bg_.value[kThreshMap]);
    for (int m : {kShrinkMap, kShrinkMask, kThreshMask}) {
      StreamExpandReset(maps_[m] + y * width_, ByteRow(m, y), w, bg_byte_[m]);
    }
  }
  streamed_ = true;
}

void MapBands::Skip(int64_t y0, int64_t y1) {
  if (y1 <= y0) return;
  // One band's worth of rows per turn, so the other thread never waits for a long run of
  // empty rows.
  for (int64_t a = y0; a < y1; a += band_rows_) {
    const size_t n = static_cast<size_t>((std::min(y1, a + band_rows_) - a) * width_);
    const WriteOutLock turn;
    for (int m = 0; m < 4; ++m) StreamFill(maps_[m] + a * width_, n, bg_.value[m]);
  }
  streamed_ = true;
}

void MapBands::Finish() {
#ifdef OPK_MAP_BANDS_X86
  if (streamed_) _mm_sfence();
#endif
  staging_->clean_rows = clean_rows_;
}

void OrderByFirstRow(const std::vector<int64_t>& lo, const std::vector<int64_t>& hi, std::vector<uint32_t>* order) {
  order->clear();
  for (size_t i = 0; i < lo.size(); ++i) {
    if (lo[i] <= hi[i]) order->push_back(static_cast<uint32_t>(i));
  }
  std::sort(order->begin(), order->end(),
            [&lo](uint32_t a, uint32_t b) { return lo[a] != lo[b] ? lo[a] < lo[b] : a < b; });
}

}  // namespace opk::targets
