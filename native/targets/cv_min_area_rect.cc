#include "targets/cv_min_area_rect.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <vector>

namespace opk::targets {

namespace {

struct IPt {
  int64_t x, y;
};
struct FPt {
  float x, y;
};

template <typename T>
int Sign(T v) {
  return (v > 0) - (v < 0);
}

// One chain of Sklansky's scan, as OpenCV's convexHull runs it over the points sorted by x then
// y: from sorted position `start` towards `end` (either direction), keeping the turns whose
// sign is `turn`; the y steps of sign `skip` are passed over. Writes positions to `stack` and
// returns how many belong to the chain.
int SklanskyChain(const std::vector<const IPt*>& s, int start, int end, std::vector<int>* stack_out, int skip,
                  int turn) {
  std::vector<int>& st = *stack_out;
  const int step = end > start ? 1 : -1;
  if (start == end || (s[start]->x == s[end]->x && s[start]->y == s[end]->y)) {
    st[0] = start;
    return 1;
  }
  int prev = start, cur = prev + step, next = cur + step;
  int size = 3;
  st[0] = prev;
  st[1] = cur;
  st[2] = next;
  const int stop = end + step;
  while (next != stop) {
    const int64_t by = s[next]->y - s[cur]->y;
    if (Sign(by) != skip) {
      const int64_t ax = s[cur]->x - s[prev]->x, bx = s[next]->x - s[cur]->x;
      const int64_t ay = s[cur]->y - s[prev]->y;
      const int64_t convexity = ay * bx - ax * by;
      if (Sign(convexity) == turn && (ax != 0 || ay != 0)) {
        prev = cur;
        cur = next;
        next += step;
        st[size++] = next;
      } else if (prev == start) {
        cur = next;
        st[1] = cur;
        next += step;
        st[2] = next;
      } else {
        st[size - 2] = next;
        cur = prev;
        prev = st[size - 4];
        --size;
      }
    } else {
      next += step;
      st[size - 1] = next;
    }
  }
  return size - 1;
}

// cv2.convexHull(points, clockwise=False, returnPoints=True): indices into `p`.
std::vector<int> CvHull(const std::vector<IPt>& p) {
  const int total = static_cast<int>(p.size());
  std::vector<const IPt*> s(p.size());
  for (int i = 0; i < total; ++i) s[i] = &p[i];
  std::sort(s.begin(), s.end(), [](const IPt* a, const IPt* b) {
    if (a->x != b->x) return a->x < b->x;
    if (a->y != b->y) return a->y < b->y;
    return a < b;  // equal points keep their input order
  });
  int miny = 0, maxy = 0;
  for (int i = 1; i < total; ++i) {
    if (s[miny]->y > s[i]->y) miny = i;
    if (s[maxy]->y < s[i]->y) maxy = i;
  }
  auto index = [&](int pos) { return static_cast<int>(s[pos] - p.data()); };
  std::vector<int> hull;
  if (s[0]->x == s[total - 1]->x && s[0]->y == s[total - 1]->y) {
    hull.push_back(index(0));
    return hull;
  }
  std::vector<int> a(p.size() + 2), b(p.size() + 2);
  // The half towards larger y, from both ends (its chains swapped: counter-clockwise output).
  int na = SklanskyChain(s, 0, maxy, &a, -1, 1);
  int nb = SklanskyChain(s, total - 1, maxy, &b, -1, -1);
  std::swap(a, b);
  std::swap(na, nb);
  for (int i = 0; i < na - 1; ++i) hull.push_back(index(a[i]));
  for (int i = nb - 1; i > 0; --i) hull.push_back(index(b[i]));
  const int stop_pos = nb > 2 ? b[1] : na > 2 ? a[na - 2] : -1;
  // The half towards smaller y, in the same stacks (the upper half is written out already).
  std::vector<int>& c = a;
  std::vector<int>& d = b;
  int nc = SklanskyChain(s, 0, miny, &c, 1, -1);
  int nd = SklanskyChain(s, total - 1, miny, &d, 1, 1);
  if (stop_pos >= 0) {
    const int check = nc > 2 ? c[1] : nc + nd > 2 ? d[2 - nc] : -1;
    if (check == stop_pos || (check >= 0 && s[check]->x == s[stop_pos]->x && s[check]->y == s[stop_pos]->y)) {
      // All points on one line: the lower half mirrors the upper one.
      nc = std::min(nc, 2);
      nd = std::min(nd, 2);
    }
  }
  for (int i = 0; i < nc - 1; ++i) hull.push_back(index(c[i]));
  for (int i = nd - 1; i > 0; --i) hull.push_back(index(d[i]));
  // OpenCV then rotates the output, where it can, so that the indices ascend or descend.
  const int nout = static_cast<int>(hull.size());
  if (nout >= 3) {
    int min_i = 0, max_i = 0, rises = 0;
    for (int i = 1; i < nout; ++i) {
      rises += hull[i - 1] < hull[i];
      if (rises > 1 && rises <= i - 2) break;
      if (hull[i] < hull[min_i]) min_i = i;
      if (hull[i] > hull[max_i]) max_i = i;
    }
    const int gap = std::abs(max_i - min_i);
    if ((gap == 1 || gap == nout - 1) && (rises <= 1 || rises >= nout - 2)) {
      const bool ascending = (max_i + 1) % nout == min_i;
      const int i0 = ascending ? min_i : max_i;
      if (i0 > 0) {
        std::vector<int> rotated(hull.size());
        int j = i0, i = 0;
        for (; i < nout; ++i) {
          const int cur = rotated[i] = hull[j];
          const int nj = j + 1 < nout ? j + 1 : 0;
          if (i < nout - 1 && (ascending != (cur < hull[nj]))) break;
          j = nj;
        }
        if (i == nout) hull = rotated;
      }
    }
  }
  return hull;
}

struct CvRect {
  float cx = 0, cy = 0, w = 0, h = 0, angle = 0;
};

// OpenCV's rotating calipers (CALIPERS_MINAREARECT) over the float hull, and minAreaRect's box.
CvRect Calipers(const std::vector<FPt>& pts) {
  const int n = static_cast<int>(pts.size());
  std::vector<FPt> vect(n);
  std::vector<float> inv_len(n);
  int left = 0, bottom = 0, right = 0, top = 0;
  FPt p0 = pts[0];
  float left_x = p0.x, right_x = p0.x, top_y = p0.y, bottom_y = p0.y;
  for (int i = 0; i < n; ++i) {
    if (p0.x < left_x) left_x = p0.x, left = i;
    if (p0.x > right_x) right_x = p0.x, right = i;
    if (p0.y > top_y) top_y = p0.y, top = i;
    if (p0.y < bottom_y) bottom_y = p0.y, bottom = i;
    const FPt q = pts[i + 1 < n ? i + 1 : 0];
    const double dx = q.x - p0.x, dy = q.y - p0.y;
    vect[i] = {static_cast<float>(dx), static_cast<float>(dy)};
    inv_len[i] = static_cast<float>(1. / std::sqrt(dx * dx + dy * dy));
    p0 = q;
  }
  float orientation = 0;
  {
    double ax = vect[n - 1].x, ay = vect[n - 1].y;
    for (int i = 0; i < n; ++i) {
      const double bx = vect[i].x, by = vect[i].y;
      const double convexity = ax * by - ay * bx;
      if (convexity != 0) {
        orientation = convexity > 0 ? 1.f : -1.f;
        break;
      }
      ax = bx;
      ay = by;
    }
  }
  float base_a = orientation, base_b = 0;
  int seq[4] = {bottom, right, top, left};
  float min_area = FLT_MAX;
  int best_left = 0, best_bottom = 0;
  float best_a = 0, best_b = 0, best_w = 0, best_h = 0;
  auto rot90cw = [](FPt v) { return FPt{v.y, -v.x}; };
  auto rot180 = [](FPt v) { return FPt{-v.x, -v.y}; };
  auto rot90ccw = [](FPt v) { return FPt{-v.y, v.x}; };
  auto right_of = [&](FPt v1, FPt v2) {  // v1 clockwise of v2
    const FPt t = rot90cw(v1);
    return t.x * v2.x + t.y * v2.y < 0;
  };
  for (int k = 0; k < n; ++k) {
    const FPt rv[4] = {vect[seq[0]], rot90cw(vect[seq[1]]), rot180(vect[seq[2]]), rot90ccw(vect[seq[3]])};
    int main_el = 0;
    for (int i = 1; i < 4; ++i) {
      if (right_of(rv[i], rv[main_el])) main_el = i;
    }
    const int pi = seq[main_el];
    const float lead_x = vect[pi].x * inv_len[pi], lead_y = vect[pi].y * inv_len[pi];
    switch (main_el) {
      case 0: base_a = lead_x, base_b = lead_y; break;
      case 1: base_a = lead_y, base_b = -lead_x; break;
      case 2: base_a = -lead_x, base_b = -lead_y; break;
      default: base_a = -lead_y, base_b = lead_x; break;
    }
    seq[main_el] = seq[main_el] + 1 == n ? 0 : seq[main_el] + 1;
    float dx = pts[seq[1]].x - pts[seq[3]].x, dy = pts[seq[1]].y - pts[seq[3]].y;
    const float width = dx * base_a + dy * base_b;
    dx = pts[seq[2]].x - pts[seq[0]].x;
    dy = pts[seq[2]].y - pts[seq[0]].y;
    const float height = -dx * base_b + dy * base_a;
    const float area = width * height;
    if (area <= min_area) {
      min_area = area;
      best_left = seq[3];
      best_a = base_a;
      best_w = width;
      best_b = base_b;
      best_h = height;
      best_bottom = seq[0];
    }
  }
  const float a1 = best_a, b1 = best_b, a2 = -best_b, b2 = best_a;
  const float c1 = a1 * pts[best_left].x + pts[best_left].y * b1;
  const float c2 = a2 * pts[best_bottom].x + pts[best_bottom].y * b2;
  const float idet = 1.f / (a1 * b2 - a2 * b1);
  const float px = (c1 * b2 - c2 * b1) * idet, py = (a1 * c2 - a2 * c1) * idet;
  const FPt v1{a1 * best_w, b1 * best_w}, v2{a2 * best_h, b2 * best_h};
  CvRect r;
  r.cx = px + (v1.x + v2.x) * 0.5f;
  r.cy = py + (v1.y + v2.y) * 0.5f;
  r.w = static_cast<float>(std::sqrt(static_cast<double>(v1.x) * v1.x + static_cast<double>(v1.y) * v1.y));
  r.h = static_cast<float>(std::sqrt(static_cast<double>(v2.x) * v2.x + static_cast<double>(v2.y) * v2.y));
  r.angle = static_cast<float>(std::atan2(static_cast<double>(v1.y), static_cast<double>(v1.x)));
  return r;
}

}  // namespace

CvMiniBox CvGetMiniBox(const double* xy, size_t n) {
  std::vector<IPt> p(n);
  for (size_t i = 0; i < n; ++i) p[i] = {static_cast<int64_t>(xy[2 * i]), static_cast<int64_t>(xy[2 * i + 1])};
  const std::vector<int> hull = CvHull(p);
  std::vector<FPt> h(hull.size());
  for (size_t i = 0; i < hull.size(); ++i) h[i] = {static_cast<float>(p[hull[i]].x), static_cast<float>(p[hull[i]].y)};
  CvRect r;
  if (h.size() > 2) {
    r = Calipers(h);
  } else if (h.size() == 2) {
    r.cx = (h[0].x + h[1].x) * 0.5f;
    r.cy = (h[0].y + h[1].y) * 0.5f;
    const double dx = h[1].x - h[0].x, dy = h[1].y - h[0].y;
    r.w = static_cast<float>(std::sqrt(dx * dx + dy * dy));
    r.h = 0;
    r.angle = static_cast<float>(std::atan2(dy, dx));
  } else {
    r.cx = h[0].x;
    r.cy = h[0].y;
  }
  r.angle = static_cast<float>(r.angle * 180 / M_PI);
  // cv2.boxPoints
  const double ang = r.angle * M_PI / 180.;
  const float b = static_cast<float>(std::cos(ang)) * 0.5f, a = static_cast<float>(std::sin(ang)) * 0.5f;
  FPt pt[4];
  pt[0] = {r.cx - a * r.h - b * r.w, r.cy + b * r.h - a * r.w};
  pt[1] = {r.cx + a * r.h - b * r.w, r.cy - b * r.h - a * r.w};
  pt[2] = {2 * r.cx - pt[0].x, 2 * r.cy - pt[0].y};
  pt[3] = {2 * r.cx - pt[1].x, 2 * r.cy - pt[1].y};
  // get_mini_boxes: sorted by x (stable), then the left pair and the right pair by y.
  std::stable_sort(pt, pt + 4, [](const FPt& u, const FPt& v) { return u.x < v.x; });
  const int i1 = pt[1].y > pt[0].y ? 0 : 1, i4 = 1 - i1;
  const int i2 = pt[3].y > pt[2].y ? 2 : 3, i3 = 5 - i2;
  const FPt order[4] = {pt[i1], pt[i2], pt[i3], pt[i4]};
  CvMiniBox box;
  for (int i = 0; i < 4; ++i) {
    box.corners[2 * i] = order[i].x;
    box.corners[2 * i + 1] = order[i].y;
  }
  box.short_side = std::min(r.w, r.h);
  return box;
}

}  // namespace opk::targets
