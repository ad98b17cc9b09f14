#include "targets/contours.h"

namespace opk::targets {

namespace {
// Moore neighbourhood, clockwise in image coordinates (y down), starting east.
constexpr int kDx[8] = {1, 1, 0, -1, -1, -1, 0, 1};
constexpr int kDy[8] = {0, 1, 1, 1, 0, -1, -1, -1};
}  // namespace

void TraceOuterContours(const uint8_t* bin, int w, int h, size_t max_contours, std::vector<Contour>* out) {
  out->clear();
  // label: 0 = unvisited, 1 = belongs to a traced component (filled by flood fill)
  std::vector<uint8_t> seen(static_cast<size_t>(w) * h, 0);
  std::vector<int32_t> stack;
  auto fg = [&](int x, int y) { return x >= 0 && y >= 0 && x < w && y < h && bin[static_cast<size_t>(y) * w + x] != 0; };
  for (int y = 0; y < h && out->size() < max_contours; ++y) {
    for (int x = 0; x < w && out->size() < max_contours; ++x) {
      const size_t k = static_cast<size_t>(y) * w + x;
      if (!bin[k] || seen[k]) continue;
      // Mark the whole 8-connected component so it is traced once.
      stack.assign({x, y});
      seen[k] = 1;
      while (!stack.empty()) {
        const int cy = stack.back();
        stack.pop_back();
        const int cx = stack.back();
        stack.pop_back();
        for (int d = 0; d < 8; ++d) {
          const int nx = cx + kDx[d], ny = cy + kDy[d];
          if (!fg(nx, ny)) continue;
          const size_t nk = static_cast<size_t>(ny) * w + nx;
          if (seen[nk]) continue;
          seen[nk] = 1;
          stack.push_back(nx);
          stack.push_back(ny);
        }
      }
      // Moore-neighbour tracing from the first pixel (its west neighbour is background).
      Contour c;
      c.xy.push_back(x);
      c.xy.push_back(y);
      int px = x, py = y;
      int dir = 4;  // we "came from" the west
      int start_dir = -1;
      const size_t limit = 4 * static_cast<size_t>(w) * h + 8;
      for (size_t step = 0; step < limit; ++step) {
        // Search clockwise starting just after the backtrack direction.
        int found = -1;
        for (int i = 1; i <= 8; ++i) {
          const int d = (dir + i) % 8;
          if (fg(px + kDx[d], py + kDy[d])) {
            found = d;
            break;
          }
        }
        if (found < 0) break;  // isolated pixel
        if (px == x && py == y) {
          if (start_dir == found) break;  // back at the start leaving the same way: done
          if (start_dir < 0) {
            start_dir = found;
          } else {
            // Passing through the start pixel mid-contour (it joins two lobes): OpenCV's chain
            // lists it again here, and so does ours.
            c.xy.push_back(x);
            c.xy.push_back(y);
          }
        }
        px += kDx[found];
        py += kDy[found];
        dir = (found + 4) % 8;  // backtrack: the neighbour we came from
        // At the start again, the next iteration decides whether the contour is closed.
        if (!(px == x && py == y)) {
          c.xy.push_back(px);
          c.xy.push_back(py);
        }
      }
      out->push_back(std::move(c));
    }
  }
}

}  // namespace opk::targets
