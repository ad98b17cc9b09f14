#include "targets/contours.h"

#include <algorithm>
#include <cstring>

namespace opk::targets {

namespace {

// Moore neighbourhood in image coordinates (y down), clockwise on screen, starting east.
constexpr int kDx[8] = {1, 1, 0, -1, -1, -1, 0, 1};
constexpr int kDy[8] = {0, 1, 1, 1, 0, -1, -1, -1};
constexpr int kEast = 0, kWest = 4;

struct Start {
  int x, y;
  bool hole;
};

// Moore-neighbour tracing from (x, y), whose neighbour in direction `from` is background:
// neighbours are searched counter-clockwise on screen starting just after the one we came from,
// which keeps the foreground on the left. Stops back at the start about to leave it the way it
// first did (Jacob's criterion); a pass through the start pixel before that is listed.
void Trace(const uint8_t* bin, int w, int h, int x, int y, int from, std::vector<int32_t>* xy) {
  auto fg = [&](int px, int py) { return px >= 0 && py >= 0 && px < w && py < h && bin[static_cast<size_t>(py) * w + px] != 0; };
  xy->assign({x, y});
  int px = x, py = y, dir = from, start_dir = -1;
  const size_t limit = 4 * static_cast<size_t>(w) * h + 8;
  for (size_t step = 0; step < limit; ++step) {
    int found = -1;
    for (int i = 1; i <= 8; ++i) {
      const int d = (dir - i + 8) % 8;
      if (fg(px + kDx[d], py + kDy[d])) {
        found = d;
        break;
      }
    }
    if (found < 0) return;  // an isolated pixel
    if (px == x && py == y) {
      if (found == start_dir) return;
      if (start_dir < 0) {
        start_dir = found;
      } else {
        xy->push_back(x);
        xy->push_back(y);
      }
    }
    px += kDx[found];
    py += kDy[found];
    dir = (found + 4) % 8;
    if (!(px == x && py == y)) {
      xy->push_back(px);
      xy->push_back(py);
    }
  }
}

// Marks in `seen` the background that reaches the map's edge (4-connected): the outside of every
// region, usually most of the map. Works on runs of background pixels, not pixels: the runs of
// each row (found with memchr), joined with the overlapping runs of the row above (union-find),
// marked where their set touches the edge.
void MarkOutside(const uint8_t* bin, int w, int h, std::vector<uint8_t>* seen) {
  struct Run {
    int x0, x1, y;
  };
  std::vector<Run> runs;
  std::vector<size_t> row_start(static_cast<size_t>(h) + 1, 0);
  for (int y = 0; y < h; ++y) {
    row_start[y] = runs.size();
    const uint8_t* row = bin + static_cast<size_t>(y) * w;
    int x = 0;
    while (x < w) {
      // Maps are 0/1 here: the next background pixel, then the next foreground one.
      const void* bg = std::memchr(row + x, 0, static_cast<size_t>(w - x));
      if (bg == nullptr) break;
      const int x0 = static_cast<int>(static_cast<const uint8_t*>(bg) - row);
      const void* fg = std::memchr(row + x0, 1, static_cast<size_t>(w - x0));
      const int x1 = fg == nullptr ? w - 1 : static_cast<int>(static_cast<const uint8_t*>(fg) - row) - 1;
      runs.push_back({x0, x1, y});
      x = x1 + 2;
    }
  }
  row_start[h] = runs.size();
  std::vector<size_t> parent(runs.size());
  for (size_t i = 0; i < parent.size(); ++i) parent[i] = i;
  auto find = [&](size_t i) {
    while (parent[i] != i) i = parent[i] = parent[parent[i]];
    return i;
  };
  for (int y = 1; y < h; ++y) {
    size_t a = row_start[y - 1], b = row_start[y];
    const size_t a_end = row_start[y], b_end = row_start[y + 1];
    while (a < a_end && b < b_end) {
      if (runs[a].x0 <= runs[b].x1 && runs[b].x0 <= runs[a].x1) {
        const size_t ra = find(a), rb = find(b);
        if (ra != rb) parent[std::max(ra, rb)] = std::min(ra, rb);
      }
      if (runs[a].x1 < runs[b].x1) ++a;
      else ++b;
    }
  }
  std::vector<uint8_t> outside(runs.size(), 0);
  for (size_t i = 0; i < runs.size(); ++i) {
    const Run& r = runs[i];
    if (r.y == 0 || r.y == h - 1 || r.x0 == 0 || r.x1 == w - 1) outside[find(i)] = 1;
  }
  uint8_t* s = seen->data();
  for (size_t i = 0; i < runs.size(); ++i) {
    const Run& r = runs[i];
    if (outside[find(i)]) std::memset(s + static_cast<size_t>(r.y) * w + r.x0, 1, static_cast<size_t>(r.x1 - r.x0 + 1));
  }
}

// Marks the region of `value`-pixels around (x, y) in `seen` (8- or 4-connected).
void Flood(const uint8_t* bin, int w, int h, int x, int y, bool value, bool eight, std::vector<uint8_t>* seen,
           std::vector<int32_t>* stack) {
  stack->assign({x, y});
  (*seen)[static_cast<size_t>(y) * w + x] = 1;
  while (!stack->empty()) {
    const int cy = stack->back();
    stack->pop_back();
    const int cx = stack->back();
    stack->pop_back();
    for (int d = 0; d < 8; d += eight ? 1 : 2) {
      const int nx = cx + kDx[d], ny = cy + kDy[d];
      if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
      const size_t nk = static_cast<size_t>(ny) * w + nx;
      if ((bin[nk] != 0) != value || (*seen)[nk]) continue;
      (*seen)[nk] = 1;
      stack->push_back(nx);
      stack->push_back(ny);
    }
  }
}

}  // namespace

void TraceContours(const uint8_t* bin, int w, int h, size_t max_contours, std::vector<Contour>* out) {
  out->clear();
  // Where each border starts, in raster order: a component's first pixel starts its outer border;
  // a hole's first pixel (the first of a 4-connected background region that does not reach the
  // map's edge) has foreground on its left, where the hole's border starts. Both are listed as the
  // scan reaches them, which is raster order of the start pixels (a hole's start is the pixel
  // just scanned), an outer border before a hole border at the same pixel, as OpenCV finds them.
  std::vector<uint8_t> seen(static_cast<size_t>(w) * h, 0);
  std::vector<int32_t> stack;
  std::vector<Start> starts;
  MarkOutside(bin, w, h, &seen);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      const size_t k = static_cast<size_t>(y) * w + x;
      if (seen[k]) continue;
      if (bin[k]) {
        Flood(bin, w, h, x, y, true, true, &seen, &stack);
        starts.push_back({x, y, false});
      } else {
        Flood(bin, w, h, x, y, false, false, &seen, &stack);  // a hole: the outside is marked already
        starts.push_back({x - 1, y, true});
      }
    }
  }
  const size_t n = std::min(max_contours, starts.size());
  out->resize(n);
  for (size_t i = 0; i < n; ++i) {
    const Start& s = starts[starts.size() - 1 - i];
    (*out)[i].hole = s.hole;
    Trace(bin, w, h, s.x, s.y, s.hole ? kEast : kWest, &(*out)[i].xy);
  }
}

}  // namespace opk::targets
