#include "targets/contours.h"

#include <algorithm>
#include <cstddef>
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
  // The neighbours' offsets in the map, for pixels off its edge (no bounds tests needed there).
  const ptrdiff_t sw = w;
  const ptrdiff_t off[8] = {1, sw + 1, sw, sw - 1, -1, -sw - 1, -sw, -sw + 1};
  xy->assign({x, y});
  int px = x, py = y, dir = from, start_dir = -1;
  const size_t limit = 4 * static_cast<size_t>(w) * h + 8;
  for (size_t step = 0; step < limit; ++step) {
    int found = -1;
    if (px > 0 && py > 0 && px < w - 1 && py < h - 1) {
      const uint8_t* c = bin + static_cast<ptrdiff_t>(py) * sw + px;
      for (int i = 1; i <= 8; ++i) {
        const int d = (dir - i) & 7;
        if (c[off[d]] != 0) {
          found = d;
          break;
        }
      }
    } else {
      for (int i = 1; i <= 8; ++i) {
        const int d = (dir - i) & 7;
        if (fg(px + kDx[d], py + kDy[d])) {
          found = d;
          break;
        }
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
    dir = (found + 4) & 7;
    if (!(px == x && py == y)) {
      xy->push_back(px);
      xy->push_back(py);
    }
  }
}

// Where every border starts, in raster order of the start pixels, found on runs instead of
// pixels: the runs of each row (foreground and background alternating, ends found with memchr),
// joined with the touching runs of the row above by union-find (8-connected foreground,
// 4-connected background). A component's first run in raster order holds its first pixel, which
// starts its outer border. A background set that reaches the map's edge is the outside; any
// other is a hole, whose border starts at the foreground pixel left of its first pixel. Walking
// the runs in order lists both in raster order, an outer border before a hole border that starts
// at the same pixel, as OpenCV's scan finds them.
std::vector<Start> FindStarts(const uint8_t* bin, int w, int h) {
  struct Run {
    int x0, x1, y;
    bool fg;
  };
  std::vector<Run> runs;
  std::vector<size_t> row_start(static_cast<size_t>(h) + 1, 0);
  for (int y = 0; y < h; ++y) {
    row_start[y] = runs.size();
    const uint8_t* row = bin + static_cast<size_t>(y) * w;
    for (int x = 0; x < w;) {
      const bool fg = row[x] != 0;
      const void* end = std::memchr(row + x, fg ? 0 : 1, static_cast<size_t>(w - x));  // maps are 0/1
      const int x1 = end == nullptr ? w - 1 : static_cast<int>(static_cast<const uint8_t*>(end) - row) - 1;
      runs.push_back({x, x1, y, fg});
      x = x1 + 1;
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
    size_t a = row_start[y - 1];
    const size_t a_end = row_start[y];
    for (size_t b = row_start[y]; b < row_start[y + 1]; ++b) {
      const Run& rb = runs[b];
      while (a < a_end && runs[a].x1 + 1 < rb.x0) ++a;  // ends before anything b can touch
      for (size_t k = a; k < a_end && runs[k].x0 <= rb.x1 + 1; ++k) {
        const Run& ra = runs[k];
        if (ra.fg != rb.fg) continue;
        // Foreground touches diagonally too; background only through a shared side.
        const bool touch = rb.fg || (ra.x0 <= rb.x1 && rb.x0 <= ra.x1);
        if (!touch) continue;
        const size_t r1 = find(k), r2 = find(b);
        if (r1 != r2) parent[std::max(r1, r2)] = std::min(r1, r2);
      }
    }
  }
  // After the unions every set's root is its lowest index: its first run in raster order.
  std::vector<uint8_t> outside(runs.size(), 0);
  for (size_t i = 0; i < runs.size(); ++i) {
    const Run& r = runs[i];
    if (!r.fg && (r.y == 0 || r.y == h - 1 || r.x0 == 0 || r.x1 == w - 1)) outside[find(i)] = 1;
  }
  std::vector<Start> starts;
  for (size_t i = 0; i < runs.size(); ++i) {
    if (find(i) != i) continue;
    const Run& r = runs[i];
    if (r.fg) starts.push_back({r.x0, r.y, false});
    else if (!outside[i]) starts.push_back({r.x0 - 1, r.y, true});
  }
  return starts;
}

}  // namespace

void TraceContours(const uint8_t* bin, int w, int h, size_t max_contours, std::vector<Contour>* out) {
  out->clear();
  const std::vector<Start> starts = FindStarts(bin, w, h);
  const size_t n = std::min(max_contours, starts.size());
  out->resize(n);
  for (size_t i = 0; i < n; ++i) {
    const Start& s = starts[starts.size() - 1 - i];
    (*out)[i].hole = s.hole;
    Trace(bin, w, h, s.x, s.y, s.hole ? kEast : kWest, &(*out)[i].xy);
  }
}

}  // namespace opk::targets
