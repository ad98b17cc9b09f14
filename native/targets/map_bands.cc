#include "targets/map_bands.h"

#include <algorithm>
#include <cstring>
#include <numeric>

#if defined(__x86_64__)
#include <immintrin.h>
#define OPK_MAP_BANDS_X86 1
#endif

namespace opk::targets {

namespace {

// Staged rows of all four maps per band: well inside a core's L2 with the per-polygon scratch.
constexpr int64_t kBandBytes = int64_t{256} << 10;

// Streaming stores where the destination is 16-byte aligned (the caller fences).
void StreamCopy(float* dst, const float* src, size_t n) {
#ifdef OPK_MAP_BANDS_X86
  size_t k = 0;
  while (k < n && (reinterpret_cast<uintptr_t>(dst + k) & 15) != 0) {
    dst[k] = src[k];
    ++k;
  }
  for (; k + 8 <= n; k += 8) {
    _mm_stream_ps(dst + k, _mm_loadu_ps(src + k));
    _mm_stream_ps(dst + k + 4, _mm_loadu_ps(src + k + 4));
  }
  for (; k < n; ++k) dst[k] = src[k];
#else
  std::memcpy(dst, src, n * sizeof(float));
#endif
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

}  // namespace

MapBands::MapBands(const DbOutput& out, int64_t width, int64_t height, const MapBackground& bg,
                   std::vector<float>* staging)
    : maps_{out.shrink_map, out.shrink_mask, out.thresh_map, out.thresh_mask}, width_(width), height_(height), bg_(bg) {
  band_rows_ = std::max<int64_t>(1, std::min<int64_t>(height, kBandBytes / (16 * width)));
  const size_t floats = static_cast<size_t>(band_rows_ * 4 * width);
  if (staging->size() < floats) staging->resize(floats);
  buf_ = staging->data();
}

void MapBands::Begin(int64_t y0, int64_t y1) {
  y0_ = y0;
  y1_ = y1;
  for (int64_t y = y0; y < y1; ++y) {
    for (int m = 0; m < 4; ++m) {
      float* row = Row(m, y);
      std::fill(row, row + width_, bg_.value[m]);
    }
  }
}

void MapBands::End() {
  for (int64_t y = y0_; y < y1_; ++y) {
    for (int m = 0; m < 4; ++m) StreamCopy(maps_[m] + y * width_, Row(m, y), static_cast<size_t>(width_));
  }
  streamed_ = true;
}

void MapBands::Skip(int64_t y0, int64_t y1) {
  if (y1 <= y0) return;
  const size_t n = static_cast<size_t>((y1 - y0) * width_);
  for (int m = 0; m < 4; ++m) StreamFill(maps_[m] + y0 * width_, n, bg_.value[m]);
  streamed_ = true;
}

void MapBands::Finish() {
#ifdef OPK_MAP_BANDS_X86
  if (streamed_) _mm_sfence();
#endif
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
