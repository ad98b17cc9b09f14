// Band-wise writing of the four output maps. Both modes' merges are order-independent (max /
// fmax / constant paints), so an image can be assembled one band of rows at a time: the band's
// rows of all four maps live in a small cache-resident buffer (background, then every polygon's
// contribution to those rows), and are written to the output once, with streaming stores, when
// the band is complete (resetting the staged rows to the background in the same pass). The
// output is never read: no read-for-ownership of its lines, half the memory traffic of filling
// the maps first and merging into them. Bands no polygon touches are streamed straight from the
// background values. Write-outs (End, Skip) take turns process-wide (see map_bands.cc): the
// memory bus, not the core, limits them. The three binary maps are staged as bytes (7 bytes per
// pixel instead of 16): the write-out reads less staged data (measured: an image's write-out
// from 51 rows of float staging took 0.37-0.42 ms, from byte staging 0.33 ms at any band height,
// the bus floor being ~0.29 ms) and a band holds 117 rows at width 640 instead of 51.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "targets/db_targets.h"

namespace opk::targets {

enum MapIndex : int { kShrinkMap = 0, kShrinkMask = 1, kThreshMap = 2, kThreshMask = 3 };

// The background value of each map. The shrink map, shrink mask and threshold mask only ever
// hold 0 or 1 (staged as bytes, see MapBands); the threshold map any float.
struct MapBackground {
  float value[4] = {0.0f, 1.0f, 0.0f, 0.0f};
};

// The staged rows, kept in the per-thread scratch between images. Every band's write-out restores
// its rows to the background, so after an image the first `clean_rows` rows of `buf` hold the
// background of that image's width and values: the next image with the same width and
// background does not fill them again.
struct StagingArea {
  std::vector<float> buf;
  int64_t clean_rows = 0;  // valid for `width` and `bg` only
  int64_t width = -1;
  MapBackground bg;
  // Frees the buffer (and forgets the clean rows).
  void Release() {
    buf.clear();
    buf.shrink_to_fit();
    clean_rows = 0;
  }
};

class MapBands {
 public:
  MapBands(const DbOutput& out, int64_t width, int64_t height, const MapBackground& bg, StagingArea* staging);
  // Rows per band (>= 1; about 512 KiB of staged rows).
  int64_t band_rows() const { return band_rows_; }
  // Starts band rows y0..y1-1 (backgrounded); ThreshRow() / ByteRow() then address them until
  // End().
  void Begin(int64_t y0, int64_t y1);
  // Writes the band to the output (and restores the staged rows' background).
  void End();
  // Rows y0..y1-1 that nothing writes: their background goes straight to the output.
  void Skip(int64_t y0, int64_t y1);
  // Orders the streaming stores before the maps are handed back, and records in the staging
  // area which rows hold the background; call once at the end.
  void Finish();
  // Row y of the threshold map in the current band, columns 0..width-1.
  float* ThreshRow(int64_t y) const { return reinterpret_cast<float*>(buf_ + (y - y0_) * row_bytes_); }
  // Row y of binary map m (kShrinkMap, kShrinkMask or kThreshMask) in the current band, columns
  // 0..width-1, as bytes 0 / non-zero (written out as 0.0f / 1.0f; painters store 1, exact mode's
  // row merge ORs in 0xFF). Rows of one map are byte_stride() bytes apart.
  uint8_t* ByteRow(int m, int64_t y) const { return buf_ + (y - y0_) * row_bytes_ + ByteOffset(m); }
  int64_t byte_stride() const { return row_bytes_; }

 private:
  // Staged row layout: the threshold map's floats, then the three binary maps' bytes.
  int64_t ByteOffset(int m) const { return width_ * (4 + (m == kShrinkMap ? 0 : m == kShrinkMask ? 1 : 2)); }

  float* maps_[4];
  int64_t width_;
  int64_t height_;
  MapBackground bg_;
  uint8_t bg_byte_[4] = {0, 1, 0, 0};
  int64_t band_rows_ = 1;
  int64_t row_bytes_ = 0;  // bytes per staged row (all four maps), a multiple of 64
  uint8_t* buf_ = nullptr;
  StagingArea* staging_;
  int64_t y0_ = 0, y1_ = 0;
  int64_t clean_rows_ = 0;  // leading staged rows that hold the background
  bool streamed_ = false;
};

// order = indices i with lo[i] <= hi[i], sorted by lo (ties by index).
void OrderByFirstRow(const std::vector<int64_t>& lo, const std::vector<int64_t>& hi, std::vector<uint32_t>* order);

// Assembles an image band by band: polygon i covers rows lo[i]..hi[i]; `order` is from
// OrderByFirstRow. For each band that some polygon meets, Begin(y0, y1), then
// paint(y0, y1, active) with the indices of the polygons meeting it (in `order`), then End();
// bands nobody meets are Skip()ped. Finish()es the output at the end. `active` is scratch.
template <typename Paint>
void PaintBandwise(MapBands& bands, int64_t height, const std::vector<int64_t>& lo, const std::vector<int64_t>& hi,
                   const std::vector<uint32_t>& order, std::vector<uint32_t>* active, Paint&& paint) {
  active->clear();
  size_t next = 0;
  for (int64_t y0 = 0; y0 < height; y0 += bands.band_rows()) {
    const int64_t y1 = std::min(height, y0 + bands.band_rows());
    size_t keep = 0;
    for (const uint32_t i : *active) {
      if (hi[i] >= y0) (*active)[keep++] = i;
    }
    active->resize(keep);
    while (next < order.size() && lo[order[next]] < y1) active->push_back(order[next++]);
    if (active->empty()) {
      bands.Skip(y0, y1);
      continue;
    }
    bands.Begin(y0, y1);
    paint(y0, y1, static_cast<const std::vector<uint32_t>&>(*active));
    bands.End();
  }
  bands.Finish();
}

}  // namespace opk::targets
