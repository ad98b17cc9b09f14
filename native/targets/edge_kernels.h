// Per-edge pixel kernels of the threshold map. Both work on a rectangular window of a local
// float buffer and min-merge one edge's contribution into it, so a polygon costs one pass per
// edge over the pixels near that edge only (callers pick the window; see db_reference.cc).
#pragma once

#include <cstddef>
#include <cstdint>

namespace opk::targets {

struct EdgeWindow {
  // Pixel grid coordinates of buf[0] (the buffer's top-left pixel) in the edge's frame.
  double origin_x = 0;
  double origin_y = 0;
  int64_t stride = 0;  // floats per buffer row
  // Window inside the buffer (inclusive), in buffer indices.
  int64_t col0 = 0, col1 = -1, row0 = 0, row1 = -1;
  // Buffer index of the buffer's first stored row: row r lives at buf + (r - row_base) * stride,
  // so a caller can keep only rows row_base.. of a taller window (values do not depend on it).
  int64_t row_base = 0;
  // When > 0: only pixels within this distance of the edge's line matter (others would merge a
  // no-op), so each row is narrowed to the band |distance to line| <= reach. 0 = whole rows.
  double reach = 0;
  // Exact kernel only: when set, 2 * `stride` floats of scratch for the edges' per-column terms
  // (see ExactEdgeAvx2 in edge_kernels.cc). Null: no such fast paths.
  float* scratch = nullptr;
};

// Reference (MhLiao/DB MakeBorderMap.distance) value for edge (x1,y1)-(x2,y2):
//   f = float32(clip(dist(x, y) / D, 0, 1))   with dist the float64 formula of SEMANTICS.md §5,
// merged as buf = nan-propagating min(buf, f). Evaluated in IEEE float64 in numpy's operation
// order (no FMA), vectorised with AVX when the CPU has it; results are identical either way.
void RefEdgeMinMerge(double x1, double y1, double x2, double y2, double D, const EdgeWindow& win, float* buf);

// Which columns of each buffer row hold field values: row k (buffer row k, i.e. window row
// row_base + k) holds values in lo[k]..hi[k] (empty when lo[k] > hi[k]); the other columns are
// unset (they stand for "farther than reach from every edge merged so far").
struct RowHull {
  int32_t* lo = nullptr;
  int32_t* hi = nullptr;
};

// Exact squared point-to-segment distance, merged as buf = min(buf, d^2) (float32). With a
// RowHull, a row's unset columns are not read: the first edge to reach a row stores its values,
// and a later edge that reaches past the row's hull first sets the new columns to FLT_MAX (the
// same values as a buffer pre-filled with FLT_MAX, over the hull only).
void ExactEdgeMinMerge(double x1, double y1, double x2, double y2, const EdgeWindow& win, float* buf,
                       const RowHull* hull = nullptr);

// One row of exact mode's map update from a squared-distance row d2 and an inside flag row:
//   shrink map = 1 where inside && d2 >= D^2; thresh map = max(., 1 - min(sqrt(d2) / D, 1));
//   thresh mask = 1 where inside || d2 <= D^2. AVX2 when available (same results). The thresh
// map merges the rescaled value v * scale + bias (float32, no FMA; scale >= 0 keeps it monotone).
// The two binary maps are bytes (0 / 1), see MapBands. inside: one flag byte per pixel (0 or
// 0xFF), or null when no pixel of the row is inside.
void ExactRowMerge(const float* d2, const uint8_t* inside, int64_t n, float D2, float invD, uint8_t* smap,
                   float* tmap, uint8_t* tmask, float scale = 1.0f, float bias = 0.0f, bool allow_simd = true);

// ExactRowMerge for a row whose inside pixels are one span [ia, ib) (0 <= ia < ib <= n): the same
// maps as ExactRowMerge with inside flags 0xFF on the span (the same 8-pixel vectors, the last one
// at n - 8), without reading flags. Vectors wholly in the span store their threshold mask and only
// test q >= D^2 for the shrink map, vectors wholly outside it skip the shrink map, the (at most
// three) vectors that cut its ends take lane masks from the column numbers.
void ExactRowMergeSpan(const float* d2, int64_t n, int64_t ia, int64_t ib, float D2, float invD, uint8_t* smap,
                       float* tmap, uint8_t* tmask, float scale = 1.0f, float bias = 0.0f, bool allow_simd = true);

// The inside span [sa, sb) of a window row outside the merged columns [a, b): those pixels are
// FLT_MAX in the field (farther than D from every edge), so shrink map and threshold mask are 1.
inline void MarkInsideBeyond(int64_t sa, int64_t sb, int64_t a, int64_t b, uint8_t* smap, uint8_t* tmask) {
  const int64_t left_end = sb < a ? sb : a;
  for (int64_t c = sa; c < left_end; ++c) smap[c] = tmask[c] = 1;
  for (int64_t c = sa > b ? sa : b; c < sb; ++c) smap[c] = tmask[c] = 1;
}

// One window row of a drawn polygon for ExactMergeRows (window columns): the merged columns
// [a, b) (none when b <= a) and the row's inside span [sa, sb) (none when sb <= sa).
struct MergeRowSpec {
  int32_t a = 0, b = 0, sa = 0, sb = 0;
};

// Where ExactMergeRows reads and writes: row k of the specs uses the field row d2 + k * d2_stride
// and the staged map rows smap / tmask + k * byte_stride and tmap + k * float_stride (all at
// window column 0).
struct MergeRowsArgs {
  const float* d2 = nullptr;
  int64_t d2_stride = 0;
  uint8_t* smap = nullptr;
  uint8_t* tmask = nullptr;
  float* tmap = nullptr;
  int64_t byte_stride = 0, float_stride = 0;
  float D2 = 0, invD = 0, scale = 1.0f, bias = 0.0f;
};

// Consecutive rows with at most one inside span each, as the per-row calls would do them:
// MarkInsideBeyond for the span's part outside [a, b), then over [a, b) ExactRowMergeSpan (span
// part inside [a, b)) or ExactRowMerge without inside flags. The same maps, constants set up once.
void ExactMergeRows(const MergeRowsArgs& args, const MergeRowSpec* rows, int64_t count, bool allow_simd = true);

}  // namespace opk::targets

namespace opk::targets {

// Test hook: runs RefEdgeMinMerge (SIMD + filter) and the plain scalar formula on `edges`
// pseudo-random edges and windows (seeded) and returns how many pixels differ in bits, plus
// ExactMergeSelfCheck(seed, edges).
size_t RefKernelSelfCheck(uint64_t seed, size_t edges);

// Test hook: ExactRowMergeSpan against ExactRowMerge with the span as inside flags, both with
// AVX2 (when available) and both scalar, on `rows` pseudo-random rows (field values at, just
// above and below D^2, FLT_MAX, random; spans short and long; maps pre-set at random): how many
// pixels differ (threshold map in bits, binary maps as zero / non-zero). Also ExactMergeRows
// (AVX2 and scalar) on a random merged sub-range of each row against MarkInsideBeyond plus the
// scalar flag merge over the sub-range.
size_t ExactMergeSelfCheck(uint64_t seed, size_t rows);

}  // namespace opk::targets
