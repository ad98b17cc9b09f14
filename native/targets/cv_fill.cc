#include "targets/cv_fill.h"

#include <algorithm>
#include <utility>

namespace opk::targets {

namespace {

constexpr int kShift = 16;
constexpr int64_t kOne = int64_t{1} << kShift;

int OutCode(int64_t x, int64_t y, int64_t right, int64_t bottom) {
  return (x < 0 ? 1 : 0) | (x > right ? 2 : 0) | (y < 0 ? 4 : 0) | (y > bottom ? 8 : 0);
}

// Cohen-Sutherland style clipping in the way OpenCV's clipLine moves end points: first onto the
// top/bottom border (x moved by a truncated double-precision step), then onto the left/right
// border using the already-moved points. Returns false when nothing of the line is inside.
bool ClipToImage(int64_t w, int64_t h, IPoint* p1, IPoint* p2) {
  const int64_t right = w - 1;
  const int64_t bottom = h - 1;
  int c1 = OutCode(p1->x, p1->y, right, bottom);
  int c2 = OutCode(p2->x, p2->y, right, bottom);
  if ((c1 & c2) == 0 && (c1 | c2) != 0) {
    if (c1 & 12) {
      const int64_t a = c1 < 8 ? 0 : bottom;
      p1->x += static_cast<int64_t>(static_cast<double>(a - p1->y) * static_cast<double>(p2->x - p1->x) /
                                    static_cast<double>(p2->y - p1->y));
      p1->y = a;
      c1 = (p1->x < 0 ? 1 : 0) | (p1->x > right ? 2 : 0);
    }
    if (c2 & 12) {
      const int64_t a = c2 < 8 ? 0 : bottom;
      p2->x += static_cast<int64_t>(static_cast<double>(a - p2->y) * static_cast<double>(p2->x - p1->x) /
                                    static_cast<double>(p2->y - p1->y));
      p2->y = a;
      c2 = (p2->x < 0 ? 1 : 0) | (p2->x > right ? 2 : 0);
    }
    if ((c1 & c2) == 0 && (c1 | c2) != 0) {
      if (c1) {
        const int64_t a = c1 == 1 ? 0 : right;
        p1->y += static_cast<int64_t>(static_cast<double>(a - p1->x) * static_cast<double>(p2->y - p1->y) /
                                      static_cast<double>(p2->x - p1->x));
        p1->x = a;
        c1 = 0;
      }
      if (c2) {
        const int64_t a = c2 == 1 ? 0 : right;
        p2->y += static_cast<int64_t>(static_cast<double>(a - p2->x) * static_cast<double>(p2->y - p1->y) /
                                      static_cast<double>(p2->x - p1->x));
        p2->x = a;
        c2 = 0;
      }
    }
  }
  return (c1 | c2) == 0;
}

// DrawLineCv writing only the window's rows (the same walk, so the same pixels in those rows).
template <typename T>
void DrawLineRows(const RowWindowT<T>& img, int w, int h, IPoint a, IPoint b, T value) {
  // Clipping moves end points along the line toward the image and the walk stays between the
  // (clipped) end points' rows, so a line whose rows all miss the window paints nothing there.
  if (std::max(a.y, b.y) < img.y_lo || std::min(a.y, b.y) >= img.y_hi) return;
  const auto inside = [&](const IPoint& p) { return p.x >= 0 && p.x < w && p.y >= 0 && p.y < h; };
  if (!inside(a) || !inside(b)) {
    if (!ClipToImage(w, h, &a, &b)) return;
  }
  // Always walk from the left end point (equal x: keep the given order).
  if (b.x < a.x) std::swap(a, b);
  int64_t major = b.x - a.x;   // >= 0
  int64_t minor = b.y - a.y;
  int64_t step_minor = 1;
  if (minor < 0) {
    minor = -minor;
    step_minor = -1;
  }
  const bool steep = minor > major;
  if (steep) std::swap(major, minor);
  // x-major: x always advances by +1, y by step_minor when the error term is negative.
  // y-major: y always advances by step_minor, x by +1 when the error term is negative.
  int64_t err = major - 2 * minor;
  const int64_t plus = 2 * major;
  const int64_t minus = -2 * minor;
  int64_t x = a.x;
  int64_t y = a.y;
  // y moves monotonically by step_minor, so once it has left the window's rows for good the rest
  // of the walk paints nothing there.
  const int64_t y_stop = step_minor > 0 ? img.y_hi : img.y_lo - 1;
  // The window is copied into locals: byte stores may alias it, and the compiler would otherwise
  // reload it for every pixel.
  T* const rows = img.rows;
  const int64_t stride = img.stride;
  const int64_t y_lo = img.y_lo, y_hi = img.y_hi;
  if (steep) {
    for (int64_t i = 0; i <= major; ++i) {
      if (y == y_stop) break;
      if (x >= 0 && x < w && y >= y_lo && y < y_hi) rows[(y - y_lo) * stride + x] = value;
      const bool diag = err < 0;
      err += minus + (diag ? plus : 0);
      y += step_minor;
      if (diag) x += 1;
    }
    return;
  }
  // x-major, one row's run at a time: from pixel i with error err, the steps at pixels i, i+1, ...
  // keep y while the error before the step is >= 0 (it falls by m = -minus per such step), so the
  // first pixel that moves y afterwards is i + j with j = err / m + 1 (j = 0 when err < 0; never
  // with m = 0). Pixels i .. i+j share row y; then err becomes err - (j + 1) m + plus. These are
  // the pixels and error terms of the pixel-by-pixel walk above.
  const int64_t m = -minus;
  for (int64_t i = 0; i <= major;) {
    if (y == y_stop) break;
    const int64_t j = m == 0 ? major - i : (err < 0 ? 0 : std::min(err / m + 1, major - i));
    if (y >= y_lo && y < y_hi) {
      const int64_t xa = std::max<int64_t>(x, 0), xb = std::min<int64_t>(x + j, w - 1);
      T* row = rows + (y - y_lo) * stride;
      for (int64_t c = xa; c <= xb; ++c) row[c] = value;
    }
    // the step at pixel i + j (a diagonal one unless the line ends there)
    err += plus - (j + 1) * m;
    x += j + 1;
    y += step_minor;
    i += j + 1;
  }
}

}  // namespace

void DrawLineCv(float* img, int w, int h, IPoint a, IPoint b, float value) {
  if (w <= 0 || h <= 0) return;
  RowWindow all;
  all.rows = img;
  all.stride = w;
  all.y_hi = h;
  DrawLineRows(all, w, h, a, b, value);
}

void FillPolyCv(float* img, int w, int h, const IPoint* pts, size_t n, float value, FillScratch* scratch) {
  if (w <= 0 || h <= 0) return;
  RowWindow all;
  all.rows = img;
  all.stride = w;
  all.y_hi = h;
  FillPolyCvRows(all, w, h, pts, n, value, scratch);
}

namespace {

template <typename T>
void FillRows(const RowWindowT<T>& img, int w, int h, const IPoint* pts, size_t n, T value, FillScratch* scratch) {
  if (n == 0 || w <= 0 || h <= 0 || img.y_hi <= img.y_lo) return;
  auto& edges = scratch->edges;
  edges.clear();
  IPoint p0 = pts[n - 1];
  for (size_t i = 0; i < n; ++i) {
    const IPoint p1 = pts[i];
    DrawLineRows(img, w, h, p0, p1, value);
    if (p0.y != p1.y) {
      FillScratch::Edge e;
      const int64_t x0 = p0.x * kOne;
      const int64_t x1 = p1.x * kOne;
      if (p0.y < p1.y) {
        e.y0 = p0.y;
        e.y1 = p1.y;
        e.x = x0;
      } else {
        e.y0 = p1.y;
        e.y1 = p0.y;
        e.x = x1;
      }
      e.dx = (x1 - x0) / (p1.y - p0.y);  // C++ division truncates toward zero
      edges.push_back(e);
    }
    p0 = p1;
  }
  if (edges.size() < 2) return;

  std::sort(edges.begin(), edges.end(), [](const FillScratch::Edge& a, const FillScratch::Edge& b) {
    return a.y0 < b.y0;
  });
  int64_t y_end = edges[0].y1;
  for (const auto& e : edges) y_end = std::max(y_end, e.y1);
  y_end = std::min<int64_t>(y_end, img.y_hi);
  int64_t y = std::max<int64_t>(edges[0].y0, img.y_lo);

  // Active edges and crossings in raw arrays sized once (at most one entry per edge).
  const size_t ne = edges.size();
  if (scratch->active.size() < ne) scratch->active.resize(ne);
  if (scratch->xs.size() < ne) scratch->xs.resize(ne);
  uint32_t* const active = scratch->active.data();
  int64_t* const xs = scratch->xs.data();
  const FillScratch::Edge* const ed = edges.data();
  size_t na = 0;
  size_t next = 0;
  T* const rows = img.rows;
  const int64_t stride = img.stride, y_lo = img.y_lo;
  for (; y < y_end; ++y) {
    while (next < ne && ed[next].y0 <= y) active[na++] = static_cast<uint32_t>(next++);
    size_t keep = 0, nx = 0;
    for (size_t k = 0; k < na; ++k) {
      const auto& e = ed[active[k]];
      if (e.y1 <= y) continue;  // finished (its last row was y1 - 1)
      active[keep++] = active[k];
      xs[nx++] = e.x + (y - e.y0) * e.dx;
    }
    na = keep;
    if (nx == 2) {  // the common case: skip the sort call
      if (xs[1] < xs[0]) std::swap(xs[0], xs[1]);
    } else {
      std::sort(xs, xs + nx);
    }
    T* row = rows + (y - y_lo) * stride;
    for (size_t k = 0; k + 1 < nx; k += 2) {
      int64_t xl = (xs[k] + kOne - 1) >> kShift;  // ceil
      int64_t xr = xs[k + 1] >> kShift;           // floor
      if (xl >= w || xr < 0) continue;
      xl = std::max<int64_t>(xl, 0);
      xr = std::min<int64_t>(xr, w - 1);
      for (int64_t x = xl; x <= xr; ++x) row[x] = value;
    }
  }
}

}  // namespace

void FillPolyCvRows(const RowWindow& img, int w, int h, const IPoint* pts, size_t n, float value,
                    FillScratch* scratch) {
  FillRows(img, w, h, pts, n, value, scratch);
}

void FillPolyCvRows(const ByteRowWindow& img, int w, int h, const IPoint* pts, size_t n, uint8_t value,
                    FillScratch* scratch) {
  FillRows(img, w, h, pts, n, value, scratch);
}

}  // namespace opk::targets
