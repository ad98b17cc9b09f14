// DB post-processing (SegDetectorRepresenter.boxes_from_bitmap / polygons_from_bitmap): binarize
// the probability map, trace component contours, fit a minimum-area rectangle (or simplify the
// contour), score by the mean probability inside (the candidate's or, as PaddleOCR's "slow" score
// mode, the contour's), grow with the pyclipper-mode offset
// (JT_ROUND, D = area * unclip_ratio / perimeter), refit, and scale to the destination size.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "common/status.h"

namespace opk::targets {

struct BoxesParams {
  int64_t width = 0, height = 0;            // probability map size
  int64_t dest_width = 0, dest_height = 0;  // original image size (output coordinates)
  double thresh = 0.3;
  double box_thresh = 0.7;
  double unclip_ratio = 1.5;
  size_t max_candidates = 1000;
  double min_size = 3;
  bool polygon = false;  // false: 4-point boxes; true: simplified polygons
  // Polygon output: the contour is simplified by cv2.approxPolyDP with epsilon = this fraction of
  // its length (DB: 0.01; PaddleOCR's box_type "poly": 0.002).
  double polygon_epsilon = 0.01;
  // PaddleOCR's DBPostProcess options: score_mode "slow" scores a candidate over its contour's
  // filled region (box_score_slow) instead of its box or simplified polygon (box_score_fast);
  // use_dilation dilates the binarized map with a 2x2 kernel before tracing (cv2.dilate).
  bool score_slow = false;
  bool dilate = false;
};

struct BoxesResult {
  std::vector<double> xy;         // interleaved points of every box
  std::vector<uint32_t> offsets;  // count + 1 point offsets
  std::vector<double> scores;     // one per box
};

Status BoxesFromBitmap(const float* prob, const BoxesParams& params, BoxesResult* out);

}  // namespace opk::targets
