#include "targets/approx_poly.h"

#include <cmath>
#include <utility>

namespace opk::targets {

namespace {

struct Pt {
  double x, y;
};

}  // namespace

void ChainApproxSimple(const int32_t* xy, size_t n, std::vector<double>* out) {
  out->clear();
  if (n < 3) {
    out->assign(xy, xy + 2 * n);
    return;
  }
  // The step into point k and the step out of it; k is kept where they differ.
  int32_t in_x = xy[0] - xy[2 * (n - 1)], in_y = xy[1] - xy[2 * (n - 1) + 1];
  for (size_t k = 0; k < n; ++k) {
    const size_t next = k + 1 < n ? k + 1 : 0;
    const int32_t out_x = xy[2 * next] - xy[2 * k], out_y = xy[2 * next + 1] - xy[2 * k + 1];
    if (in_x != out_x || in_y != out_y) {
      out->push_back(static_cast<double>(xy[2 * k]));
      out->push_back(static_cast<double>(xy[2 * k + 1]));
    }
    in_x = out_x;
    in_y = out_y;
  }
}

double ClosedArcLength(const double* xy, size_t n) {
  if (n <= 1) return 0.0;
  double length = 0.0;
  float px = static_cast<float>(xy[2 * (n - 1)]), py = static_cast<float>(xy[2 * (n - 1) + 1]);
  for (size_t k = 0; k < n; ++k) {
    const float x = static_cast<float>(xy[2 * k]), y = static_cast<float>(xy[2 * k + 1]);
    const float dx = x - px, dy = y - py;
    length += static_cast<double>(std::sqrt(dx * dx + dy * dy));
    px = x;
    py = y;
  }
  return length;
}

void ApproxPolyDpClosed(const double* xy, size_t n, double epsilon, std::vector<double>* out) {
  out->clear();
  if (n == 0) return;
  const double eps2 = epsilon * epsilon;
  auto pt = [&](size_t k) { return Pt{xy[2 * k], xy[2 * k + 1]}; };
  std::vector<Pt> kept;

  // 1. An approximate diameter: three times, the first point farthest from the current start
  //    becomes the next start (the offset of the last maximum carries over a round that finds
  //    none). The last round's start and its farthest point split the contour in two.
  size_t start = 0, offset = 0;
  bool within = false;
  for (int round = 0; round < 3; ++round) {
    start = (start + offset) % n;
    const Pt s = pt(start);
    double best = 0.0;
    for (size_t j = 1; j < n; ++j) {
      const Pt p = pt((start + j) % n);
      const double d2 = (p.x - s.x) * (p.x - s.x) + (p.y - s.y) * (p.y - s.y);
      if (d2 > best) {
        best = d2;
        offset = j;
      }
    }
    within = best <= eps2;
  }

  // 2. Douglas-Peucker over the two halves, each range [a, b] going forward round the contour;
  //    a range emits its first point once no point lies farther than epsilon from its chord.
  if (within) {
    kept.push_back(pt(start));
  } else {
    const size_t far = (start + offset) % n;
    std::vector<std::pair<size_t, size_t>> stack{{far, start}, {start, far}};
    while (!stack.empty()) {
      const auto [a, b] = stack.back();
      stack.pop_back();
      const Pt s = pt(a), e = pt(b);
      if ((a + 1) % n == b) {
        kept.push_back(s);
        continue;
      }
      const double dx = e.x - s.x, dy = e.y - s.y;
      double best = 0.0;
      size_t split = a;
      for (size_t k = (a + 1) % n; k != b; k = (k + 1) % n) {
        const Pt p = pt(k);
        const double d = std::fabs((p.y - s.y) * dx - (p.x - s.x) * dy);
        if (d > best) {
          best = d;
          split = k;
        }
      }
      if (best * best <= eps2 * (dx * dx + dy * dy)) {
        kept.push_back(s);
      } else {
        stack.push_back({split, b});
        stack.push_back({a, split});
      }
    }
  }

  // 3. OpenCV's last pass, in place over the ring: a point goes when it lies within epsilon/√2 of
  //    the chord between the last kept point and the next one, between them, and that chord is
  //    neither horizontal nor vertical; the point after a dropped one is kept without a test.
  //    Near the end the reads wrap round onto entries this pass has already rewritten, as
  //    OpenCV's do.
  const size_t m = kept.size();
  size_t count = m, rpos = 0, wpos = 0;
  Pt last = kept[m - 1];
  Pt cur = kept[0];
  rpos = 1 % m;
  for (size_t i = 0; i < m && count > 2; ++i) {
    const Pt next = kept[rpos];
    rpos = (rpos + 1) % m;
    const double dx = next.x - last.x, dy = next.y - last.y;
    const double dist = std::fabs((cur.x - last.x) * dy - (cur.y - last.y) * dx);
    const double along = (cur.x - last.x) * (next.x - cur.x) + (cur.y - last.y) * (next.y - cur.y);
    if (dist * dist <= 0.5 * eps2 * (dx * dx + dy * dy) && dx != 0 && dy != 0 && along >= 0) {
      --count;
      kept[wpos] = last = next;
      wpos = (wpos + 1) % m;
      cur = kept[rpos];
      rpos = (rpos + 1) % m;
      ++i;
      continue;
    }
    kept[wpos] = last = cur;
    wpos = (wpos + 1) % m;
    cur = next;
  }
  for (size_t k = 0; k < count; ++k) {
    out->push_back(kept[k].x);
    out->push_back(kept[k].y);
  }
}

}  // namespace opk::targets
