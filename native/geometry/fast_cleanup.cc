// Fast clean-up for simple offset rings. See fast_cleanup.h.
#include "geometry/fast_cleanup.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "geometry/int128.h"
#include "geometry/rounding.h"

#ifdef OPK_FAST_STATS
#include <cstdio>
long g_fast_fail[2000];
#define OPK_FAIL do { ++g_fast_fail[__LINE__]; return false; } while (0)
#else
#define OPK_FAIL return false
#endif

namespace opk::geom {
namespace {

__extension__ typedef __int128 i128;

constexpr int kMaxRing = 256;                 // larger rings take the general path
constexpr int64_t kMaxCoord = int64_t{1} << 30;  // keeps every exact product inside int128
constexpr double kHorizontal = -1.0E+40;

struct Seg {
  Point64 a, b;
  Point64 bot, top;
  double dx;
  bool horizontal;
  int64_t ymin, ymax, xmin, xmax;
};

inline i128 Cross(const Point64& o, const Point64& a, const Point64& b) {
  return static_cast<i128>(a.x - o.x) * (b.y - o.y) - static_cast<i128>(a.y - o.y) * (b.x - o.x);
}
// Cross for |coordinates| < kMaxCoord = 2^30 (every ring the scan sees): each difference is below
// 2^31 in magnitude, each product below 2^62, their difference below 2^63, so exact in int64.
inline int64_t Cross64(const Point64& o, const Point64& a, const Point64& b) {
  return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
}
inline int Sign(int64_t v) { return (v > 0) - (v < 0); }

inline int64_t TopX(const Seg& e, int64_t y) {
  return y == e.top.y ? e.top.x : e.bot.x + RoundHalfAway(e.dx * static_cast<double>(y - e.bot.y));
}

// Clipper 6.4.2 IntersectPoint for two non-horizontal edges, Edge1 = e1 (left at the beam bottom).
Point64 ClipperIntersect(const Seg& e1, const Seg& e2, int64_t curr_y) {
  Point64 ip;
  double b1, b2;
  const int64_t d1x = e1.top.x - e1.bot.x, d2x = e2.top.x - e2.bot.x;
  if (e1.dx == e2.dx) {
    ip.y = curr_y;
    ip.x = TopX(e1, ip.y);
    return ip;
  }
  if (d1x == 0) {
    ip.x = e1.bot.x;
    b2 = static_cast<double>(e2.bot.y) - (static_cast<double>(e2.bot.x) / e2.dx);
    ip.y = RoundHalfAway(static_cast<double>(ip.x) / e2.dx + b2);
  } else if (d2x == 0) {
    ip.x = e2.bot.x;
    b1 = static_cast<double>(e1.bot.y) - (static_cast<double>(e1.bot.x) / e1.dx);
    ip.y = RoundHalfAway(static_cast<double>(ip.x) / e1.dx + b1);
  } else {
    b1 = static_cast<double>(e1.bot.x) - static_cast<double>(e1.bot.y) * e1.dx;
    b2 = static_cast<double>(e2.bot.x) - static_cast<double>(e2.bot.y) * e2.dx;
    double q = (b2 - b1) / (e1.dx - e2.dx);
    ip.y = RoundHalfAway(q);
    if (std::fabs(e1.dx) < std::fabs(e2.dx)) ip.x = RoundHalfAway(e1.dx * q + b1);
    else ip.x = RoundHalfAway(e2.dx * q + b2);
  }
  if (ip.y < e1.top.y || ip.y < e2.top.y) {
    ip.y = e1.top.y > e2.top.y ? e1.top.y : e2.top.y;
    ip.x = std::fabs(e1.dx) < std::fabs(e2.dx) ? TopX(e1, ip.y) : TopX(e2, ip.y);
  }
  if (ip.y > curr_y) {
    ip.y = curr_y;
    ip.x = std::fabs(e1.dx) > std::fabs(e2.dx) ? TopX(e2, ip.y) : TopX(e1, ip.y);
  }
  return ip;
}


// True when vertex q lies within one unit (at Clipper's rounded TopX) of segment s's interior span.
inline bool NearTouch(const Point64& q, const Seg& s) {
  if (q.y < s.ymin || q.y > s.ymax || q.x < s.xmin - 2 || q.x > s.xmax + 2) return false;
  if (q == s.a || q == s.b) return false;
  if (s.horizontal) return true;  // a vertex on (or next to) a horizontal segment's line
  return std::llabs(TopX(s, q.y) - q.x) <= 1;
}

// NearTouch, skipped cheaply when the exact cross product puts q 2+ units (horizontally) away.
inline bool MaybeNear(const Point64& q, int64_t cross, const Seg& s) {
  if (q.y < s.ymin || q.y > s.ymax || q.x < s.xmin - 2 || q.x > s.xmax + 2) return false;
  if (!s.horizontal) {
    const int64_t dy = s.ymax - s.ymin;
    const int64_t ac = cross < 0 ? -cross : cross;  // < 2^63: exact
    if (ac >= 2 * dy) return false;
  }
  return NearTouch(q, s);
}

// The crossing of si and sj (non-horizontal; its exact height y* strictly inside the beam
// (ys[k - 1], ys[k])) when the rounded x's do not show it cleanly in that beam (equal at its
// bottom, or not strictly inverted at its top). Clipper's sweep keeps the two edges in the active
// edge list in the order they had when the later one arrived (inserted at a local minimum by its
// x there, or taking over its predecessor's place at an intermediate vertex: the same comparison
// of the rounded x's at that scanline, required strict here), and swaps them in the first beam
// whose top shows their rounded x's strictly inverted against that order (BuildIntersectList).
// No earlier beam can: below y* the exact order is the arrival order and rounding is monotone
// (checked anyway). That beam must still have both edges (its top at or below both tops: an edge
// ending lower is replaced there by its successor, a different pair). The point is then
// IntersectPoint with Edge1 = the left edge and the beam's bottom as Curr.Y, raised to the beam
// top if above it, as in the strict case. False when any of this is in doubt.
bool LateCrossingPoint(const Seg& si, const Seg& sj, const int64_t* ys, int k, Point64* out) {
  const int64_t y_in = std::min(si.bot.y, sj.bot.y);  // where the later edge arrives
  const int64_t y_end = std::max(si.top.y, sj.top.y);  // both edges present down to this scanline
  const int64_t xi = TopX(si, y_in), xj = TopX(sj, y_in);
  if (xi == xj) return false;
  const bool i_left = xi < xj;
  const Seg& e1 = i_left ? si : sj;
  const Seg& e2 = i_left ? sj : si;
  // ys ascending; y_in is a vertex's y, at index kin >= k.
  int kin = k;
  while (ys[kin] != y_in) ++kin;  // y_in >= ys[k] > y*
  for (int t = kin - 1; t >= 0 && ys[t] >= y_end; --t) {
    const int64_t top_y = ys[t];
    const int64_t x1 = TopX(e1, top_y), x2 = TopX(e2, top_y);
    if (x1 > x2) {
      // Processed in the beam (ys[t], ys[t + 1]); that beam must not lie below y*.
      if (t + 1 > k) return false;
      Point64 ip = ClipperIntersect(e1, e2, ys[t + 1]);
      if (ip.y < top_y) ip = Point64{TopX(e1, top_y), top_y};
      *out = ip;
      return true;
    }
  }
  return false;
}

// MaybeNear(q, Cross(s.a, s.b, q), s), the cross product taken only past the range test.
inline bool NearLazy(const Point64& q, const Seg& s) {
  if (q.y < s.ymin || q.y > s.ymax || q.x < s.xmin - 2 || q.x > s.xmax + 2) return false;
  return MaybeNear(q, Cross64(s.a, s.b, q), s);
}

// Clipper's integer crossing point of segments pi, pj (exact parameters given), as its sweep
// would compute it. False when it cannot be determined with certainty.
bool CrossingPoint(const Seg& si, const Seg& sj, i128 den, i128 num_i, int64_t diy, const int64_t* ys, int ny,
                   Point64* out) {
  if (si.horizontal || sj.horizontal) {
    const Seg& other = si.horizontal ? sj : si;
    const int64_t yh = si.horizontal ? si.a.y : sj.a.y;
    *out = Point64{TopX(other, yh), yh};
    return true;
  }
  // y* = ai.y + t * diy = (ai.y * den + num_i * diy) / den, compared exactly with the scanlines.
  i128 yn = static_cast<i128>(si.a.y) * den + num_i * diy;
  i128 yd = den;
  if (yd < 0) {
    yd = -yd;
    yn = -yn;
  }
  // The beam holding y*: top_y < y* < bot_y (y* on a scanline -> general path).
  int k = static_cast<int>(std::lower_bound(ys, ys + ny, 0, [&](int64_t y, int) { return static_cast<i128>(y) * yd < yn; }) - ys);
  if (k >= ny || k == 0) return false;
  if (static_cast<i128>(ys[k]) * yd == yn) return false;
  const int64_t bot_y = ys[k], top_y = ys[k - 1];
  // Edge1 is the edge on the left at the beam bottom; the crossing must show as a strict
  // inversion of TopX between the beam's bottom and top, as Clipper's bubble sort sees it.
  const int64_t xi_b = TopX(si, bot_y), xj_b = TopX(sj, bot_y);
  const int64_t xi_t = TopX(si, top_y), xj_t = TopX(sj, top_y);
  if (xi_b == xj_b) return LateCrossingPoint(si, sj, ys, k, out);
  const bool i_left = xi_b < xj_b;
  const Seg& e1 = i_left ? si : sj;
  const Seg& e2 = i_left ? sj : si;
  const int64_t x1_t = i_left ? xi_t : xj_t, x2_t = i_left ? xj_t : xi_t;
  if (!(x1_t > x2_t)) return LateCrossingPoint(si, sj, ys, k, out);
  Point64 ip = ClipperIntersect(e1, e2, bot_y);
  if (ip.y < top_y) ip = Point64{TopX(e1, top_y), top_y};
  *out = ip;
  return true;
}

struct Crossing {
  int s, e;          // loop = vertices s+1 .. e (cyclic); the path leaves segment s, resumes on e
  double ts, te;     // parameters of the crossing along segments s and e
  Point64 pt;
};

// Rings of more than kSmall vertices after the clean-up never reach the crossing scan.
constexpr int kSmall = 16;

// The crossing scan's state.
struct Scan {
  Point64 v[kSmall];
  Seg seg[kSmall];
  int64_t ys[kSmall];
  int start_of[kSmall], end_of[kSmall];
  signed char in_loop[kSmall];
  Crossing cr[kSmall];
  Point64 res[2 * kSmall];
};

// Per-thread buffers: CleanRing's (too large for the stack) and the scan's (Point64 and Seg
// value-initialise, which would cost a clear per call on the stack). FastOffsetCleanup looks
// them up once per call (TlsWork) and passes references on.
struct Work {
  Point64 v[kMaxRing];
  Point64 tmp[kMaxRing];
  int nxt[kMaxRing], prv[kMaxRing];
  Scan scan;
};

__attribute__((noinline)) Work& TlsWork() {
  thread_local Work w;
  return w;
}

// The index of a closed ring's last vertex once trailing copies of its first vertex, then
// trailing repeats, are dropped (as Clipper's AddPath does first); 0 for a ring of one point.
int LastKeptIndex(const Path64& raw) {
  int high = static_cast<int>(raw.size()) - 1;
  while (high > 0 && raw[high] == raw[0]) --high;
  while (high > 0 && raw[high] == raw[high - 1]) --high;
  return high;
}

// Clipper's AddPath clean-up of a closed ring (duplicates, then collinear vertices), on a small
// circular list. Returns the vertex count left (0 when degenerate) and writes them to v.
int CleanRing(const Path64& raw, Work& w) {
  const int high = LastKeptIndex(raw);
  if (high < 2 || high + 1 > kMaxRing) return 0;
  const int n = high + 1;
  Point64* p = w.tmp;
  for (int i = 0; i < n; ++i) {
    p[i] = raw[i];
    if (std::llabs(p[i].x) >= kMaxCoord || std::llabs(p[i].y) >= kMaxCoord) return 0;
    w.nxt[i] = i == high ? 0 : i + 1;
    w.prv[i] = i == 0 ? high : i - 1;
  }
  int e = 0, e_start = 0, loop_stop = 0;
  auto remove = [&](int i) {
    w.nxt[w.prv[i]] = w.nxt[i];
    w.prv[w.nxt[i]] = w.prv[i];
    return w.nxt[i];
  };
  for (;;) {
    if (p[e] == p[w.nxt[e]]) {
      if (e == w.nxt[e]) break;
      if (e == e_start) e_start = w.nxt[e];
      e = remove(e);
      loop_stop = e;
      continue;
    }
    if (w.prv[e] == w.nxt[e]) break;
    if (Cross(p[w.prv[e]], p[e], p[w.nxt[e]]) == 0) {
      if (e == e_start) e_start = w.nxt[e];
      e = remove(e);
      e = w.prv[e];
      loop_stop = e;
      continue;
    }
    e = w.nxt[e];
    if (e == loop_stop) break;
  }
  if (w.prv[e] == w.nxt[e]) return 0;
  int m = 0;
  int i = e_start;
  do {
    w.v[m++] = p[i];
    i = w.nxt[i];
  } while (i != e_start && m < kMaxRing);
  return m;
}

// One pair of the crossing scan (segments i and j of the ring, overlapping in y): -1 when the
// fast path must give up (a near-touch, a touching or collinear contact, a crossing whose point
// is in doubt, more crossings than room), 0 when they neither touch nor cross, 1 when they cross
// properly (*c_out filled: lower index first, its parameters and Clipper's crossing point).
int PairCheck(const Seg* seg, int m, int i, int j, const int64_t* ys, int ny, Crossing* c_out) {
  const Seg& si = seg[i];
  const Seg& sj = seg[j];
  if (si.xmax + 2 < sj.xmin || sj.xmax + 2 < si.xmin) return 0;
  const int64_t c1 = Cross64(si.a, si.b, sj.a), c2 = Cross64(si.a, si.b, sj.b);
  const int64_t c3 = Cross64(sj.a, sj.b, si.a), c4 = Cross64(sj.a, sj.b, si.b);
  if (j == (i + 1 == m ? 0 : i + 1)) {  // adjacent: si.b == sj.a; a thin spike may touch
    if (MaybeNear(sj.b, c2, si) || MaybeNear(si.a, c3, sj)) return -1;
    return 0;
  }
  if (i == (j + 1 == m ? 0 : j + 1)) {  // adjacent: sj.b == si.a
    if (MaybeNear(sj.a, c1, si) || MaybeNear(si.b, c4, sj)) return -1;
    return 0;
  }
  // Near-touches: Clipper's sweep sees edges at rounded x positions (TopX), so a vertex within
  // one unit of another segment may touch it there although the exact geometry does not.
  // |cross| / |dy| is the vertex's horizontal distance from the segment's line.
  if (MaybeNear(sj.a, c1, si) || MaybeNear(sj.b, c2, si) || MaybeNear(si.a, c3, sj) || MaybeNear(si.b, c4, sj)) return -1;
  if (si.xmax < sj.xmin || sj.xmax < si.xmin) return 0;
  // Proper crossings only; any exact touching or collinear contact -> general path.
  const int o1 = Sign(c1), o2 = Sign(c2), o3 = Sign(c3), o4 = Sign(c4);
  if (o1 == 0 || o2 == 0 || o3 == 0 || o4 == 0) return -1;
  if (o1 == o2 || o3 == o4) return 0;
  // Orient the pair along the path: segment with the smaller index first.
  const bool swap = j < i;
  const Seg& pi = swap ? sj : si;
  const Seg& pj = swap ? si : sj;
  const int ii = swap ? j : i, jj = swap ? i : j;
  // (More crossings than segments always fail below: each segment starts one loop at most.)
  if (c_out == nullptr) return -1;
  const int64_t dix = pi.b.x - pi.a.x, diy = pi.b.y - pi.a.y;
  const int64_t djx = pj.b.x - pj.a.x, djy = pj.b.y - pj.a.y;
  // Differences of coordinates below 2^30: every product below 2^62, each of these three below
  // 2^63, so exact in int64 (and converted to double exactly as from a wider type).
  const int64_t den = dix * djy - diy * djx;
  const int64_t num_i = (pj.a.x - pi.a.x) * djy - (pj.a.y - pi.a.y) * djx;
  const int64_t num_j = (pj.a.x - pi.a.x) * diy - (pj.a.y - pi.a.y) * dix;
  Crossing& c = *c_out;
  c.s = ii;
  c.e = jj;
  c.ts = static_cast<double>(num_i) / static_cast<double>(den);
  c.te = static_cast<double>(num_j) / static_cast<double>(den);
  if (!CrossingPoint(pi, pj, den, num_i, diy, ys, ny, &c.pt)) return -1;
  return 1;
}

// The crossing scan for the raw ring of a shrunk convex triangle or quadrilateral, n = m / 3
// corners: A_k, p_k, B_k (the corner p_k between its two offset points), so segment 3k + 2 is the
// offset edge E_k = B_k -> A_k+1 and 3k, 3k + 1 are the spike A_k -> p_k -> B_k. Clipper's clean-up
// then keeps the crossings of E_k-1 and E_k. Instead of the full pair scan (PairCheck on every
// pair overlapping in y and within 2 in x), the pairs that can touch are checked exactly as there
// (adjacent segments, the E_k-1 x E_k crossings) and the others are certified apart: some offset
// edge's line has one segment on one side and the other at least 2.5 units further (Euclidean
// distance > 2 means no vertex within the scan's near-touch reach of the other segment, which
// covers Clipper's rounded positions, and no crossing). A pair that cannot be certified gets
// PairCheck too. (Unlike PairCheck, a certified pair is never rejected for an end point lying
// exactly on the other segment's extended line: far apart, the sweep cannot see that.)
// Returns 1 with the n crossings in cr (*nc = n), 0 when the ring is not of this kind or shows
// something else (the caller runs the full scan), -1 when the full scan would give up as well.
int ShrunkConvexScan(const Point64* v, int m, const Seg* seg, const int64_t* ys, int ny, Crossing* cr, int* nc) {
  if (m != 9 && m != 12) return 0;
  const int n = m / 3;
  // A shrunk convex corner turns the same way at A_k, p_k and B_k (its spike is a loop wound
  // against the ring); anything else takes the full scan. (A filter only: what follows checks.)
  const bool right = Cross64(v[m - 1], v[0], v[1]) < 0;
  for (int i = 1; i < m; ++i)
    if ((Cross64(v[i - 1], v[i], v[i + 1 == m ? 0 : i + 1]) < 0) != right) return 0;
  // Scaled signed distances: dist[l][i] = |E_l| * (signed distance of v[i] from E_l's line), exact
  // (int64 cross product of coordinates below 2^30) up to the conversion to double.
  double dist[4][12];
  double margin[4];
  for (int l = 0; l < n; ++l) {
    const Point64& a = v[3 * l + 2];
    const Point64& b = v[3 * l + 3 == m ? 0 : 3 * l + 3];
    const double dx = static_cast<double>(b.x - a.x), dy = static_cast<double>(b.y - a.y);
    margin[l] = 2.5 * std::sqrt(dx * dx + dy * dy) * (1 + 1e-9);
    for (int i = 0; i < m; ++i) dist[l][i] = static_cast<double>(Cross64(a, b, v[i]));
  }
  // Segments i and j lie on opposite sides of some offset edge's line with a gap of 2.5 or more.
  auto apart = [&](int i, int j) {
    const int i1 = i + 1 == m ? 0 : i + 1, j1 = j + 1 == m ? 0 : j + 1;
    for (int l = 0; l < n; ++l) {
      const double* d = dist[l];
      const double lo_i = std::min(d[i], d[i1]), hi_i = std::max(d[i], d[i1]);
      const double lo_j = std::min(d[j], d[j1]), hi_j = std::max(d[j], d[j1]);
      if (hi_i + margin[l] <= lo_j || hi_j + margin[l] <= lo_i) return true;
    }
    return false;
  };
  // Adjacent segments (always within the scan's reach: they share a vertex): PairCheck's test,
  // the far end of each against the other, with each cross product taken only when needed.
  for (int i = 0; i < m; ++i) {
    const Seg& si = seg[i];
    const Seg& sj = seg[i + 1 == m ? 0 : i + 1];  // si.b == sj.a
    if (NearLazy(sj.b, si) || NearLazy(si.a, sj)) return -1;
  }
  int found = 0;
  for (int i = 0; i < m; ++i) {
    const Seg& si = seg[i];
    for (int j = i + 2; j < m; ++j) {
      if (i == 0 && j == m - 1) continue;  // adjacent (done above)
      const Seg& sj = seg[j];
      // The pairs the full scan considers: overlapping in y, within 2 in x.
      if (sj.ymax < si.ymin || si.ymax < sj.ymin) continue;
      if (si.xmax + 2 < sj.xmin || sj.xmax + 2 < si.xmin) continue;
      const bool crossing = i % 3 == 2 && (j == i + 3 || (i == 2 && j == m - 1));
      if (!crossing && apart(i, j)) continue;
      Crossing c;
      const int r = PairCheck(seg, m, i, j, ys, ny, &c);
      if (r < 0) return -1;
      if (r == 0) continue;
      if (!crossing) return 0;  // a crossing elsewhere: not this shape
      cr[found++] = c;
    }
  }
  if (found != n) return 0;
  *nc = n;
  return 1;
}

// Whether CleanRing would return `raw` itself, in order from its first vertex: 3 to kSmall points,
// none equal to the next (cyclically), no zero turn, |coordinates| < kMaxCoord (then CleanRing's
// walk removes nothing and starts at index 0). On true, v holds the points.
bool PlainSmallRing(const Path64& raw, Point64* v) {
  const int n = static_cast<int>(raw.size());
  if (n < 3 || n > kSmall) return false;
  for (int i = 0; i < n; ++i) {
    const Point64 p = raw[static_cast<size_t>(i)];
    if (std::llabs(p.x) >= kMaxCoord || std::llabs(p.y) >= kMaxCoord) return false;
    v[i] = p;
  }
  for (int i = 0; i < n; ++i) {
    const Point64& a = v[i == 0 ? n - 1 : i - 1];
    const Point64& b = v[i];
    const Point64& c = v[i + 1 == n ? 0 : i + 1];
    if (b == c || Cross64(a, b, c) == 0) return false;
  }
  return true;
}

double ShoelaceD(const Point64* q, int n) {
  double a = 0;
  for (int i = 0, j = n - 1; i < n; j = i++)
    a += static_cast<double>(q[j].x) * static_cast<double>(q[i].y) - static_cast<double>(q[i].x) * static_cast<double>(q[j].y);
  return a / 2;
}


// Strictly convex (every turn positive), y-monotone and with 2·area/perimeter >= 4 (perimeter
// bounded above by its L1 length; so no chord
// is thinner than a few units except within a unit of its extreme vertices, where a convex ring
// with such a width has round or flat ends).
bool IsThickConvex(const Point64* v, int m) {
  double per = 0;
  for (int i = 0; i < m; ++i) {
    const Point64& a = v[i == 0 ? m - 1 : i - 1];
    const Point64& b = v[i];
    const Point64& c = v[i + 1 == m ? 0 : i + 1];
    if (Cross64(a, b, c) <= 0) return false;  // |coordinates| < kMaxCoord (CleanRing)
    per += static_cast<double>(std::llabs(c.x - b.x) + std::llabs(c.y - b.y));  // >= the length
  }
  int changes = 0, last = 0;
  for (int i = 0; i < m; ++i) {
    const Point64& a = v[i];
    const Point64& b = v[i + 1 == m ? 0 : i + 1];
    if (a.y == b.y) continue;
    const int dir = b.y > a.y ? 1 : -1;
    if (last != 0 && dir != last) ++changes;
    last = dir;
  }
  if (changes > 2) return false;
  const double area = ShoelaceD(v, m);
  return area > 0 && 2 * area >= 4 * per;
}

// The topmost vertex (smallest y; of those at that y, the rightmost), and in `ties` how many other
// vertices share its y.
int TopVertex(const Point64* res, int nr, int* ties) {
  int top = 0;
  *ties = 0;
  for (int i = 1; i < nr; ++i) {
    if (res[i].y < res[top].y) {
      top = i;
      *ties = 0;
    } else if (res[i].y == res[top].y) {
      ++*ties;
      if (res[i].x > res[top].x) top = i;
    }
  }
  return top;
}

// The bottommost vertex of res[0, nr): the first of largest y; `ties` counts the other vertices on
// that y.
int BottomVertex(const Point64* res, int nr, int* ties) {
  int bottom = 0;
  *ties = 0;
  for (int i = 1; i < nr; ++i) {
    if (res[i].y > res[bottom].y) {
      bottom = i;
      *ties = 0;
    } else if (res[i].y == res[bottom].y) {
      ++*ties;
    }
  }
  return bottom;
}

// Whether the ring goes down once and up once (at most two changes of vertical direction), with
// horizontal edges only at its top `ylo` and bottom `yhi`: a y-monotone ring.
bool YMonotone(const Point64* res, int nr, int64_t ylo, int64_t yhi) {
  int changes = 0;
  int last_dir = 0;
  for (int i = 0; i <= nr; ++i) {
    const Point64& a = res[i >= nr ? i - nr : i];
    const Point64& b = res[i + 1 >= nr ? i + 1 - nr : i + 1];
    if (a.y == b.y) {
      if (a.y != ylo && a.y != yhi) return false;
      continue;
    }
    const int dir = b.y > a.y ? 1 : -1;
    if (last_dir != 0 && dir != last_dir && i < nr) ++changes;
    if (i < nr || last_dir == 0) last_dir = dir;
  }
  return changes <= 2;
}

// Checks the result as Clipper's FixupOutPolygon/BuildResult would see it and writes it with the
// topmost vertex last (positive orientation). False when the order cannot be predicted.
// `convex`: res is a ring IsThickConvex accepted (strictly convex, y-monotone), whose checks below
// are then already known to pass.
bool EmitRotated(const Point64* res, int nr, const Seg* segs, int m, Paths64* out, bool crossed, bool convex = false) {
  // The result must survive Clipper's FixupOutPolygon untouched: no duplicates, no collinear
  // triples (else its starting vertex could move).
  if (nr < 3) OPK_FAIL;
  for (int i = 0; i < nr && !convex; ++i) {
    const Point64& a = res[i == 0 ? nr - 1 : i - 1];
    const Point64& b = res[i];
    const Point64& d = res[i + 1 == nr ? 0 : i + 1];
    if (a == b || b == d || Cross(a, b, d) == 0) OPK_FAIL;
  }
  // With crossings, where the sweep's output record starts depends on which side of the record
  // reaches the top; it is the top vertex for the quadrilateral results verified here (rotated
  // boxes), not always for longer rings (curved text), which take the general path.
  if (crossed && nr > 4) OPK_FAIL;
  // Only y-monotone results (one top, one bottom; horizontal edges only there): their output
  // record starts at the top vertex. Other shapes depend on how the sweep merged its pieces.
  if (!convex) {
    int64_t ylo = res[0].y, yhi = res[0].y;
    for (int i = 1; i < nr; ++i) {
      ylo = std::min(ylo, res[i].y);
      yhi = std::max(yhi, res[i].y);
    }
    if (!YMonotone(res, nr, ylo, yhi)) OPK_FAIL;
  }
  // Clipper's BuildResult: topmost vertex (smallest y) last. Ties: only a horizontal top edge
  // taken from one horizontal input segment is handled (its right end comes last).
  int ties = 0;
  const int top = TopVertex(res, nr, &ties);
  if (ties > 1) OPK_FAIL;
  const bool rect = nr == 4 && res[0].y == res[1].y ? (res[1].x == res[2].x && res[2].y == res[3].y && res[3].x == res[0].x)
                                                    : (nr == 4 && res[0].x == res[1].x && res[1].y == res[2].y && res[2].x == res[3].x && res[3].y == res[0].y);
  // A horizontal bottom edge between crossing points (a piece of a horizontal raw edge, the
  // crossings on its scanline), other than an axis-aligned rectangle's: the sweep's record starts
  // at that edge (its local minimum) and need not end at the top vertex (found by the long
  // differential run, scripts/fast-path-differential.js: a shrunk 4-point polygon whose result
  // is a triangle standing on such an edge, which this path used to emit rotated wrongly).
  if (crossed && !rect) {
    int bottom_ties = 0;
    BottomVertex(res, nr, &bottom_ties);
    if (bottom_ties > 0) OPK_FAIL;
  }
  if (ties == 1) {
    const int prev = top == 0 ? nr - 1 : top - 1;
    const int next = top + 1 == nr ? 0 : top + 1;
    const int other = res[prev].y == res[top].y ? prev : (res[next].y == res[top].y ? next : -1);
    if (other < 0) OPK_FAIL;
    bool on_horizontal = convex;  // a convex ring's top edge is one of its own segments
    for (int i = 0; i < m && !on_horizontal; ++i) {
      const Seg& s = segs[i];
      on_horizontal = s.horizontal && s.a.y == res[top].y && s.xmin <= std::min(res[top].x, res[other].x) &&
                      s.xmax >= std::max(res[top].x, res[other].x);
    }
    if (!on_horizontal) OPK_FAIL;
    // Verified orders: a ring without crossings, or an axis-aligned rectangle; otherwise the
    // sweep may start the record at either end of the top edge.
    if (crossed && !rect) OPK_FAIL;
  }
  out->resize(1);  // keeps (*out)[0]'s buffer when the caller reuses `out`
  Path64& path = (*out)[0];
  path.resize(static_cast<size_t>(nr));
  for (int i = 0, k = top + 1 == nr ? 0 : top + 1; i < nr; ++i, k = k + 1 == nr ? 0 : k + 1)
    path[static_cast<size_t>(i)] = res[k];
  return true;
}
// Segment a -> b of a ring.
inline void SetSeg(const Point64& a, const Point64& b, Seg* sp) {
  Seg& s = *sp;
  s.a = a;
  s.b = b;
  if (a.y >= b.y) {
    s.bot = a;
    s.top = b;
  } else {
    s.bot = b;
    s.top = a;
  }
  s.horizontal = a.y == b.y;
  s.dx = s.horizontal ? kHorizontal : static_cast<double>(s.top.x - s.bot.x) / static_cast<double>(s.top.y - s.bot.y);
  s.ymin = std::min(a.y, b.y);
  s.ymax = std::max(a.y, b.y);
  s.xmin = std::min(a.x, b.x);
  s.xmax = std::max(a.x, b.x);
}

// Sorts ys[0, m) ascending (insertion sort: m <= 16) and keeps each value once; returns how many.
int SortDistinct(int64_t* ys, int m) {
  for (int i = 1; i < m; ++i) {
    const int64_t y = ys[i];
    int k = i;
    for (; k > 0 && ys[k - 1] > y; --k) ys[k] = ys[k - 1];
    ys[k] = y;
  }
  int ny = 1;
  for (int i = 1; i < m; ++i)
    if (ys[i] != ys[ny - 1]) ys[ny++] = ys[i];
  return ny;
}

// The segments of the ring v[0, m) (Seg), its distinct scanlines ascending (sc.ys; returns their
// count, 0 when every vertex lies on one horizontal line: the general path), and the loop
// bookkeeping of the crossing walk cleared.
int SetUpScan(const Point64* v, int m, Scan& sc) {
  // Segments and scanlines.
  bool flat = true;
  for (int i = 0; i < m; ++i) {
    const Point64& a = v[i];
    const Point64& b = v[i + 1 == m ? 0 : i + 1];
    SetSeg(a, b, &sc.seg[i]);
    sc.ys[i] = a.y;
    if (a.y != v[0].y) flat = false;
    sc.start_of[i] = sc.end_of[i] = -1;
    sc.in_loop[i] = 0;
  }
  if (flat) return 0;
  return SortDistinct(sc.ys, m);
}

// The rest of FastOffsetCleanup once the ring v[0, m)'s nc crossings are in sc.cr (`quick`: found
// by ShrunkConvexScan): the negatively wound loops removed, the result walked and emitted.
bool FinishCleanup(const Point64* v, int m, const Seg* seg, Scan& sc, int nc, int quick, Paths64* out) {
  Point64* res = sc.res;
  int nr = 0;
  if (nc == 0) {
    if (!(ShoelaceD(v, m) > 0)) OPK_FAIL;
    for (int i = 0; i < m; ++i) res[nr++] = v[i];
  } else {
    const double ring_area = ShoelaceD(v, m);
    // Each crossing closes one loop; keep the negatively wound side as the loop.
    for (int c = 0; c < nc; ++c) {
      Crossing& cr = sc.cr[c];
      // Loop A: vertices s+1..e with the crossing point; loop B: e+1..s (wrapping).
      double xa = 0, ya = 0;
      {
        // signed area of crossing point + vertices s+1..e (double, exact crossing approximated)
        const Seg& si = sc.seg[cr.s];
        xa = static_cast<double>(si.a.x) + cr.ts * static_cast<double>(si.b.x - si.a.x);
        ya = static_cast<double>(si.a.y) + cr.ts * static_cast<double>(si.b.y - si.a.y);
      }
      auto loop_area = [&](int from, int to) {
        double a = 0;
        double px = xa, py = ya;
        for (int k = from;; k = k + 1 == m ? 0 : k + 1) {
          a += px * static_cast<double>(v[k].y) - static_cast<double>(v[k].x) * py;
          px = static_cast<double>(v[k].x);
          py = static_cast<double>(v[k].y);
          if (k == to) break;
        }
        a += px * ya - xa * py;
        return a / 2;
      };
      // The two loops' areas add up to the ring's area: walk only the shorter one.
      const int len_a = cr.e > cr.s ? cr.e - cr.s : cr.e - cr.s + m;
      double area_a, area_b;
      if (2 * len_a <= m) {
        area_a = loop_area((cr.s + 1) % m, cr.e);
        area_b = ring_area - area_a;
      } else {
        area_b = loop_area((cr.e + 1) % m, cr.s);
        area_a = ring_area - area_b;
      }
      if (area_a < -1e-9 && area_b > 1e-9) {
        // loop = s+1..e : path leaves segment s at ts, resumes on segment e at te
      } else if (area_b < -1e-9 && area_a > 1e-9) {
        std::swap(cr.s, cr.e);
        std::swap(cr.ts, cr.te);
      } else {
        OPK_FAIL;
      }
      if (sc.start_of[cr.s] >= 0 || sc.end_of[cr.e] >= 0) OPK_FAIL;
      sc.start_of[cr.s] = c;
      sc.end_of[cr.e] = c;
      for (int k = cr.s + 1 == m ? 0 : cr.s + 1;; k = k + 1 == m ? 0 : k + 1) {
        if (sc.in_loop[k]) OPK_FAIL;
        sc.in_loop[k] = 1;
        if (k == cr.e) break;
      }
    }
    // Segments strictly inside a loop must not cross anything (no nesting); a segment carrying
    // both a loop end and a loop start must meet the end first.
    for (int c = 0; c < nc; ++c) {
      const Crossing& cr = sc.cr[c];
      for (int k = cr.s + 1 == m ? 0 : cr.s + 1; k != cr.e; k = k + 1 == m ? 0 : k + 1)
        if (sc.start_of[k] >= 0 || sc.end_of[k] >= 0) OPK_FAIL;
      if (sc.end_of[cr.s] >= 0 && !(sc.cr[sc.end_of[cr.s]].te < cr.ts)) OPK_FAIL;
    }
    // Walk: start at crossing 0's point, resume on its end segment.
    int c = 0;
    int guard = 0;
    for (;;) {
      res[nr++] = sc.cr[c].pt;
      int sgi = sc.cr[c].e;
      // travel along segment sgi (after the crossing), then following vertices
      for (;;) {
        if (sc.start_of[sgi] >= 0) {
          c = sc.start_of[sgi];
          break;
        }
        const int vtx = sgi + 1 == m ? 0 : sgi + 1;
        if (sc.in_loop[vtx]) OPK_FAIL;
        res[nr++] = v[vtx];
        sgi = vtx;
        if (++guard > 4 * m) OPK_FAIL;
      }
      if (c == 0) break;
      if (++guard > 4 * m || nr >= 2 * kSmall - 2) OPK_FAIL;
    }
    // Every kept vertex must have been visited exactly once.
    int kept = 0;
    for (int k = 0; k < m; ++k) kept += !sc.in_loop[k];
    if (nr != kept + nc) OPK_FAIL;
    const double res_area = ShoelaceD(res, nr);
    if (!(res_area > 0)) OPK_FAIL;
    // ShrunkConvexScan lists the crossings in another order than the scan below, so the walk may
    // start elsewhere; the area's sign must then not depend on the summation order: above any
    // rounding error of the sum (nr terms below 2 xmax ymax each).
    if (quick > 0) {
      int64_t xm = 0, ym = 0;
      for (int i = 0; i < nr; ++i) {
        xm = std::max<int64_t>(xm, std::llabs(res[i].x));
        ym = std::max<int64_t>(ym, std::llabs(res[i].y));
      }
      const double bound = static_cast<double>(nr) * 8.0 * static_cast<double>(xm) * static_cast<double>(ym) * (1.0 / 9007199254740992.0);
      if (!(res_area > bound + 1)) OPK_FAIL;
    }
  }

  // With crossings, only results made of crossing points alone are taken (shrunk convex polygons):
  // where a kept input vertex is the top, the record may start elsewhere.
  if (nc > 0 && nr != nc) OPK_FAIL;
  return EmitRotated(res, nr, seg, m, out, nc > 0);
}




// EmitRotated(res, 4, seg, m, out, true) for QuadTail's four crossing points, taking the results
// with a horizontal edge at the bottom, the top or both that EmitRotated leaves to the sweep (two
// crossing points rounded onto one scanline; about 1 in 15 shrunk rotated text boxes). Same checks
// (no repeated or collinear vertex, y-monotone), then the record's last vertex:
// - no horizontal top edge: the topmost vertex (as EmitRotated), whatever the bottom;
// - a horizontal top edge: both top vertices are crossings on one offset edge, the one between
//   them in the walk. If that offset edge is horizontal, the record ends at the top edge's right
//   end (EmitRotated's rule for a top edge on a horizontal raw segment); otherwise at the end
//   towards the offset edge's upper end point (its crossing is the higher one before rounding).
// Measured before relying on it: every such result of 1M generated convex quads, 1M rotated boxes
// and 200k of the benchmark's rotated boxes at r = 0.2, 0.4, 0.7 and 0.9 (several hundred
// thousand results) ends where these rules say, against the sweep; pinned by the differential
// runs (test/geometry/shrunk-quad.test.ts, scripts/fast-path-differential.js --quads / --boxes).
bool EmitQuad(const Point64* res, const Seg* seg, int m, Paths64* out) {
  constexpr int nr = 4;
  int ties = 0;
  const int top = TopVertex(res, nr, &ties);
  int bottom_ties = 0;
  const int bottom = BottomVertex(res, nr, &bottom_ties);
  // Three vertices on one line: EmitRotated's rules (which give up).
  if (ties > 1) return EmitRotated(res, nr, seg, m, out, true);
  // No duplicate or collinear vertex, y-monotone (EmitRotated's checks).
  for (int i = 0; i < nr; ++i) {
    const Point64& a = res[i == 0 ? nr - 1 : i - 1];
    const Point64& b = res[i];
    const Point64& d = res[i + 1 == nr ? 0 : i + 1];
    if (a == b || b == d || Cross(a, b, d) == 0) OPK_FAIL;
  }
  {
    const int64_t ylo = res[top].y, yhi = res[bottom].y;
    if (!YMonotone(res, nr, ylo, yhi)) OPK_FAIL;
  }
  int last = top;
  if (ties == 1) {
    // A horizontal top edge: two crossings on one scanline, both on the offset edge between them
    // (res is QuadTail's walk X(2, 5), X(5, 8), X(8, 11), X(2, 11): the edge res[i] -> res[i + 1]
    // lies on segment 3 ((i + 1) mod 4) + 2). The record ends at its right end when that offset
    // edge is horizontal, else at the end towards the offset edge's upper end point.
    const int prev = top == 0 ? nr - 1 : top - 1;
    const int next = top + 1 == nr ? 0 : top + 1;
    const int other = res[prev].y == res[top].y ? prev : (res[next].y == res[top].y ? next : -1);
    if (other < 0) OPK_FAIL;
    const int first = other == next ? top : other;  // the top edge is res[first] -> res[first + 1]
    const Seg& e = seg[3 * ((first + 1) & 3) + 2];
    if (!e.horizontal) {
      if (e.top.x == e.bot.x) OPK_FAIL;  // (cannot carry two points of one scanline)
      const bool rightwards = e.top.x > e.bot.x;  // the offset edge rises to the right
      const int right = res[top].x > res[other].x ? top : other;
      last = rightwards ? right : (right == top ? other : top);
    }
  }
  out->resize(1);
  Path64& path = (*out)[0];
  path.resize(static_cast<size_t>(nr));
  for (int i = 0, k = last + 1 == nr ? 0 : last + 1; i < nr; ++i, k = k + 1 == nr ? 0 : k + 1)
    path[static_cast<size_t>(i)] = res[k];
  return true;
}

// FinishCleanup for ShrunkQuad's ring and its four crossings sc.cr = X(2, 5), X(2, 11), X(5, 8),
// X(8, 11) (ShrunkConvexScan's order), when each crossing closes the corner spike between its two
// offset edges as a negatively wound loop (FinishCleanup's loop test, with its doubles: the spike
// side below -1e-9, the rest above 1e-9). FinishCleanup then keeps every loop (the spikes are
// disjoint and all twelve vertices lie in one), walks the result X(2, 5), X(5, 8), X(8, 11),
// X(2, 11), and gives up unless the crossings follow each other along every offset edge; the same
// steps here, without its bookkeeping. Any other loop pattern goes to FinishCleanup itself.
// QuadTailCore is QuadTail without that hand-over: 0 where QuadTail calls FinishCleanup, else
// QuadTail's result (1 emitted, -1 gave up).
int QuadTailCore(const Point64* v, const Seg* seg, Scan& sc, Paths64* out) {
  constexpr int m = 12;
  const double ring_area = ShoelaceD(v, m);
  // FinishCleanup's loop_area: the crossing (approximated from ts along segment s) and v[from..to].
  auto loop_area = [&](const Crossing& cr, int from, int to) {
    const Seg& si = seg[cr.s];
    const double xa = static_cast<double>(si.a.x) + cr.ts * static_cast<double>(si.b.x - si.a.x);
    const double ya = static_cast<double>(si.a.y) + cr.ts * static_cast<double>(si.b.y - si.a.y);
    double a = 0;
    double px = xa, py = ya;
    for (int k = from; k <= to; ++k) {
      a += px * static_cast<double>(v[k].y) - static_cast<double>(v[k].x) * py;
      px = static_cast<double>(v[k].x);
      py = static_cast<double>(v[k].y);
    }
    a += px * ya - xa * py;
    return a / 2;
  };
  const Crossing* cr = sc.cr;
  // X(2, 5), X(5, 8), X(8, 11): loop = the three vertices after s (the shorter side).
  for (int c : {0, 2, 3}) {
    const double area_a = loop_area(cr[c], cr[c].s + 1, cr[c].e);
    const double area_b = ring_area - area_a;
    if (!(area_a < -1e-9 && area_b > 1e-9)) return 0;
  }
  {
    // X(2, 11): the shorter side is vertices 0..2, the loop; FinishCleanup swaps its ends.
    const double area_b = loop_area(cr[1], 0, 2);
    const double area_a = ring_area - area_b;
    if (!(area_b < -1e-9 && area_a > 1e-9)) return 0;
  }
  // Along each offset edge the loop that ends on it ends before the next one starts (parameters
  // along that segment): E_0 (segment 2): X(2, 11) before X(2, 5); E_3 (11): X(8, 11) before
  // X(2, 11); E_1 (5): X(2, 5) before X(5, 8); E_2 (8): X(5, 8) before X(8, 11).
  if (!(cr[1].ts < cr[0].ts) || !(cr[3].te < cr[1].te) || !(cr[0].te < cr[2].ts) || !(cr[2].te < cr[3].ts)) return -1;
  Point64* res = sc.res;
  res[0] = cr[0].pt;
  res[1] = cr[2].pt;
  res[2] = cr[3].pt;
  res[3] = cr[1].pt;
  const double res_area = ShoelaceD(res, 4);
  if (!(res_area > 0)) return -1;
  int64_t xm = 0, ym = 0;
  for (int i = 0; i < 4; ++i) {
    xm = std::max<int64_t>(xm, std::llabs(res[i].x));
    ym = std::max<int64_t>(ym, std::llabs(res[i].y));
  }
  const double bound = 4.0 * 8.0 * static_cast<double>(xm) * static_cast<double>(ym) * (1.0 / 9007199254740992.0);
  if (!(res_area > bound + 1)) return -1;
  return EmitQuad(res, seg, m, out) ? 1 : -1;
}

bool QuadTail(const Point64* v, const Seg* seg, Scan& sc, Paths64* out) {
  const int r = QuadTailCore(v, seg, sc, out);
  return r == 0 ? FinishCleanup(v, 12, seg, sc, 4, 1, out) : r > 0;
}

// The shrunk quadrilateral's table (ShrunkQuad, ThickQuad): for each offset edge line E_l =
// v[3l + 2] -> v[3l + 3], every vertex's scaled signed distance Cross64(a, b, v[i]) =
// ex (v.y - a.y) - ey (v.x - a.x) = ex v.y - ey v.x - c0, the same integer (every product below
// 2^61 in magnitude, every sum below 2^63: exact in int64) in D and as a double in d, and the
// margin ShrunkConvexScan's `apart` uses for that line.
struct LineTable {
  int64_t D[4][12];
  double d[4][12];
  double margin[4];
};
void OffsetLineTable(const Point64* v, LineTable* t) {
  constexpr int m = 12;
  for (int l = 0; l < 4; ++l) {
    const Point64& a = v[3 * l + 2];
    const Point64& b = v[3 * l + 3 == m ? 0 : 3 * l + 3];
    const double dx = static_cast<double>(b.x - a.x), dy = static_cast<double>(b.y - a.y);
    t->margin[l] = 2.5 * std::sqrt(dx * dx + dy * dy) * (1 + 1e-9);
    const int64_t ex = b.x - a.x, ey = b.y - a.y, c0 = ex * a.y - ey * a.x;
    for (int i = 0; i < m; ++i) {
      t->D[l][i] = ex * v[i].y - ey * v[i].x - c0;
      t->d[l][i] = static_cast<double>(t->D[l][i]);
    }
  }
}

// Whether the vertex runs i0 .. i0 + ni and j0 .. j0 + nj (cyclic, of the 12) lie on opposite
// sides of the line whose scaled distances are dl, with `margin` between them.
bool RunsApartOnLine(const double* dl, double margin, int i0, int ni, int j0, int nj) {
  constexpr int m = 12;
  double lo_i = dl[i0], hi_i = dl[i0], lo_j = dl[j0], hi_j = dl[j0];
  for (int k = 1; k <= ni; ++k) {
    const double x = dl[i0 + k >= m ? i0 + k - m : i0 + k];
    lo_i = std::min(lo_i, x);
    hi_i = std::max(hi_i, x);
  }
  for (int k = 1; k <= nj; ++k) {
    const double x = dl[j0 + k >= m ? j0 + k - m : j0 + k];
    lo_j = std::min(lo_j, x);
    hi_j = std::max(hi_j, x);
  }
  return hi_i + margin <= lo_j || hi_j + margin <= lo_i;
}

// ShrunkQuad's whole decision (below) certified in closed form for a ring whose parts are well
// apart, the common case of a shrunk rotated text box; 1 with the result in `out`, 0 when any step
// is not certain here (ShrunkQuad then runs its own checks: declining never changes the output).
// v: ShrunkQuad's ring (|coordinates| < 2^30), turn[i] = Cross64(v[i - 1], v[i], v[i + 1]) < 0.
// Each step implies the one ShrunkQuad takes, with the same integers and the same doubles:
// - Adjacent segments: both of PairCheck's near-touch tests of the pair (v[i - 1], v[i]),
//   (v[i], v[i + 1]) take the cross product of the three points in some cyclic order, which is
//   turn[i] (the same integer). MaybeNear is false when |cross| >= 2 |dy| of the segment (and for
//   a horizontal segment the far end, off its line, is outside its y range).
// - Non-adjacent pairs other than the four crossings: every group of ShrunkQuad is certified by
//   its `runs_apart` on the same table of scaled distances d and margins, tried first on the offset
//   edge line that usually separates them (E_k's own line for the groups of E_k; for two corners,
//   the line of the offset edge leaving the later one), so ShrunkQuad drops every group at once.
// - The crossings X(2, 5), X(2, 11), X(5, 8), X(8, 11): PairCheck's four cross products are
//   entries of the same integer table; nonzero, at least 2 |dy| (no near-touch) and of opposite
//   signs (a proper crossing: the pair passes the y and x filters), then the same den / num, ts, te
//   and CrossingPoint's point. Its beam (the scanlines just above and below the exact crossing
//   height y*) is found without sorting: y* = a.y + num_i diy / den in doubles is within 2^-19 of
//   the exact value (t = num_i / den in (0, 1), |t diy| < 2^31), so when it is more than 1e-4 from
//   an integer, floor(y*) decides every comparison with the (integer) vertex heights. A horizontal
//   edge, y* near an integer or a crossing not shown as a strict inversion in its beam (the late
//   case) declines.
// - QuadTailCore on the same crossings and the same offset edge Segs (the only ones it reads).
int ThickQuad(const Point64* v, const int64_t* turn, const LineTable& table, Scan& sc, Paths64* out) {
  constexpr int m = 12;
  int64_t ady[m];  // |dy| of segment i = v[i] -> v[i + 1]
  for (int i = 0; i < m; ++i) ady[i] = std::llabs(v[i + 1 == m ? 0 : i + 1].y - v[i].y);
  for (int i = 0; i < m; ++i) {
    const int64_t a = -turn[i];
    if (a < 2 * std::max(ady[i], ady[i == 0 ? m - 1 : i - 1])) return 0;
  }
  // ShrunkQuad's table: Cross64 of every vertex against each offset edge line, and the margins.
  const auto& D = table.D;
  const auto& d = table.d;
  const auto& margin = table.margin;
  // ShrunkQuad's runs_apart on one line l (true implies ShrunkQuad's, which tries every line).
  auto runs_apart = [&](int l, int i0, int ni, int j0, int nj) { return RunsApartOnLine(d[l], margin[l], i0, ni, j0, nj); };
  // The offset edges' Segs, as SetUpScan builds them (the others on first use below).
  Seg* seg = sc.seg;
  for (int l = 0; l < 4; ++l) SetSeg(v[3 * l + 2], v[3 * l + 3 == m ? 0 : 3 * l + 3], &seg[3 * l + 2]);
  bool spikes = false;
  // A group that no line certifies: ShrunkQuad's pair-by-pair test (its filters, then PairCheck),
  // each pair required to give 0 (where ShrunkQuad takes the pair's own runs_apart instead, that
  // pair passes there as well). A pair that crosses or gives up declines (no crossing point is
  // needed: PairCheck returns before using the scanlines when given no Crossing to fill).
  auto pairs_clear = [&](int i0, int ni, int j0, int nj) {
    if (!spikes) {
      for (int l = 0; l < 4; ++l) {
        SetSeg(v[3 * l], v[3 * l + 1], &seg[3 * l]);
        SetSeg(v[3 * l + 1], v[3 * l + 2], &seg[3 * l + 1]);
      }
      spikes = true;
    }
    for (int a = 0; a < ni; ++a)
      for (int b = 0; b < nj; ++b) {
        int i = i0 + a, j = j0 + b >= m ? j0 + b - m : j0 + b;
        if (i > j) std::swap(i, j);
        const Seg& si = seg[i];
        const Seg& sj = seg[j];
        if (sj.ymax < si.ymin || si.ymax < sj.ymin) continue;
        if (si.xmax + 2 < sj.xmin || sj.xmax + 2 < si.xmin) continue;
        if (PairCheck(seg, m, i, j, nullptr, 0, nullptr) != 0) return false;
      }
    return true;
  };
  auto group = [&](int l0, int i0, int ni, int j0, int nj) {
    return runs_apart(l0, i0, ni, j0, nj) || pairs_clear(i0, ni, j0, nj);
  };
  // Every line at once: L_l has the outer vertices A_l, p_l, p_l+1, B_l+1 at least its margin
  // outside (d + margin <= 0) and the six vertices of corners l + 2, l + 3 at least the margin
  // inside (d >= margin); its own end points B_l, A_l+1 are on it (d = 0 exactly). Then ShrunkQuad's
  // runs_apart holds for each of its groups (equal in doubles: 0 + margin is the margin, and x +
  // margin <= y for the largest x of a run iff for each): E_l's groups on L_l (its run is {0};
  // the far corners and E_l+2 inside, A_l p_l and p_l+1 B_l+1 outside); corners c, c + 1 on L_c+1
  // (corner c inside, corner c + 1 = {outside, outside, 0}); corners c, c + 2 on L_c+1 (corner c
  // inside, corner c + 2 = {0, outside, outside}).
  bool uniform = true;
  for (int l = 0; l < 4; ++l) {
    const double* dl = d[l];
    const double mg = margin[l];
    const int b = 3 * l;
    uniform &= dl[b] + mg <= 0 && dl[b + 1] + mg <= 0 && dl[(b + 4) % m] + mg <= 0 && dl[(b + 5) % m] + mg <= 0;
    for (int t = 6; t < 12; ++t) uniform &= mg <= dl[(b + t) % m];
  }
  // ShrunkQuad's groups, in its order.
  for (int k = 0; k < 4 && !uniform; ++k) {
    for (int k2 = k + 1; k2 < 4; ++k2) {
      const int l0 = k2 == 3 && k == 0 ? 0 : (k + 1) & 3;
      if (!group(l0, 3 * k, 2, 3 * k2, 2)) return 0;
    }
    const int k1 = (k + 1) & 3, k2 = (k + 2) & 3, k3 = (k + 3) & 3;
    if (!group(k, 3 * k + 2, 1, 3 * k2, 2) || !group(k, 3 * k + 2, 1, 3 * k3, 2) ||
        !group(k, 3 * k + 2, 1, 3 * k, 1) || !group(k, 3 * k + 2, 1, 3 * k1 + 1, 1))
      return 0;
    if (k < 2 && !group(k, 3 * k + 2, 1, 3 * k2 + 2, 1)) return 0;
  }
  int64_t ys[m];  // the distinct scanlines ascending, on first use
  int ny = 0;
  static constexpr int kCross[4][2] = {{2, 5}, {2, 11}, {5, 8}, {8, 11}};
  for (int c = 0; c < 4; ++c) {
    const int i = kCross[c][0], j = kCross[c][1];
    const int li = i / 3, lj = j / 3;
    const int64_t c1 = D[li][j], c2 = D[li][j + 1 == m ? 0 : j + 1], c3 = D[lj][i], c4 = D[lj][i + 1];
    const int64_t ri = 2 * ady[i], rj = 2 * ady[j];
    if (c1 == 0 || c2 == 0 || c3 == 0 || c4 == 0) return 0;
    if (std::llabs(c1) < ri || std::llabs(c2) < ri || std::llabs(c3) < rj || std::llabs(c4) < rj) return 0;
    if ((c1 < 0) == (c2 < 0) || (c3 < 0) == (c4 < 0)) return 0;
    const Seg& pi = seg[i];
    const Seg& pj = seg[j];
    const int64_t dix = pi.b.x - pi.a.x, diy = pi.b.y - pi.a.y;
    const int64_t djx = pj.b.x - pj.a.x, djy = pj.b.y - pj.a.y;
    const int64_t den = dix * djy - diy * djx;
    const int64_t num_i = (pj.a.x - pi.a.x) * djy - (pj.a.y - pi.a.y) * djx;
    const int64_t num_j = (pj.a.x - pi.a.x) * diy - (pj.a.y - pi.a.y) * dix;
    Crossing& cr = sc.cr[c];
    cr.s = i;
    cr.e = j;
    cr.ts = static_cast<double>(num_i) / static_cast<double>(den);
    cr.te = static_cast<double>(num_j) / static_cast<double>(den);
    if (pi.horizontal || pj.horizontal) {  // CrossingPoint's horizontal case
      const Seg& other = pi.horizontal ? pj : pi;
      const int64_t yh = pi.horizontal ? pi.a.y : pj.a.y;
      cr.pt = Point64{TopX(other, yh), yh};
      continue;
    }
    const double yf = static_cast<double>(pi.a.y) + static_cast<double>(num_i) * static_cast<double>(diy) / static_cast<double>(den);
    const double fl = std::floor(yf);
    if (!(yf - fl > 1e-4 && yf - fl < 1 - 1e-4)) return 0;
    const int64_t yl = static_cast<int64_t>(fl);
    int64_t top_y = INT64_MIN, bot_y = INT64_MAX;
    for (int k = 0; k < m; ++k) {
      const int64_t y = v[k].y;
      if (y <= yl) top_y = std::max(top_y, y);
      else bot_y = std::min(bot_y, y);
    }
    if (top_y == INT64_MIN || bot_y == INT64_MAX) return 0;
    const int64_t xi_b = TopX(pi, bot_y), xj_b = TopX(pj, bot_y);
    const bool i_left = xi_b < xj_b;
    const Seg& e1 = i_left ? pi : pj;
    const Seg& e2 = i_left ? pj : pi;
    if (xi_b == xj_b || !(TopX(e1, top_y) > TopX(e2, top_y))) {
      // CrossingPoint's late case: LateCrossingPoint on the scanlines as SetUpScan sorts them,
      // bot_y being ys[k].
      if (ny == 0) {
        for (int k = 0; k < m; ++k) ys[k] = v[k].y;
        ny = SortDistinct(ys, m);
      }
      int kb = 0;
      while (ys[kb] != bot_y) ++kb;
      if (!LateCrossingPoint(pi, pj, ys, kb, &cr.pt)) return 0;
      continue;
    }
    Point64 ip = ClipperIntersect(e1, e2, bot_y);
    if (ip.y < top_y) ip = Point64{TopX(e1, top_y), top_y};
    cr.pt = ip;
  }
  return QuadTailCore(v, seg, sc, out) > 0 ? 1 : 0;
}

// FastOffsetCleanup for the raw ring of a shrunk convex quadrilateral whose every corner took the
// three-point join: 12 vertices A_k, p_k, B_k (k = 0..3), every turn strictly to the right (as
// ClipperOffset writes it for a positively oriented quadrilateral and delta < 0). The same steps
// and the same decisions as the general route through FastOffsetCleanup, without its detours:
// - FastConvexRing stops at the first vertex (a right turn, at most 16 vertices: 0), PlainSmallRing
//   holds (no repeat, no zero turn, |coordinates| < 2^30), IsThickConvex fails at the first vertex
//   and ShrunkConvexScan's turn filter passes, so the route comes straight to ShrunkConvexScan;
// - ShrunkConvexScan's checks in its order (adjacent pairs, then every pair within reach, each
//   either certified apart by an offset edge's line or checked with PairCheck);
// - FinishCleanup as the general route.
// Returns 1 with the result in `out`, -1 when the general route would give up (the sweep's turn:
// a PairCheck that gives up makes the full pair scan give up as well), 0 when the ring is not of
// this kind or ShrunkConvexScan would hand it to the full scan (the caller takes the general route).
int ShrunkQuad(const Path64& raw, Paths64* out) {
  constexpr int m = 12;
  Work& w = TlsWork();
  Scan& sc = w.scan;
  Point64* v = sc.v;
  for (int i = 0; i < m; ++i) {
    const Point64 p = raw[static_cast<size_t>(i)];
    if (std::llabs(p.x) >= kMaxCoord || std::llabs(p.y) >= kMaxCoord) return 0;
    v[i] = p;
  }
  int64_t turn[m];
  for (int i = 0; i < m; ++i) {
    turn[i] = Cross64(v[i == 0 ? m - 1 : i - 1], v[i], v[i + 1 == m ? 0 : i + 1]);
    if (turn[i] >= 0) return 0;
  }
  // Every vertex's scaled signed distance from each offset edge's line E_l = v[3l + 2] -> v[3l + 3]
  // and the margin (ShrunkConvexScan's `apart`, the same doubles), for ThickQuad and below.
  LineTable table;
  OffsetLineTable(v, &table);
  if (ThickQuad(v, turn, table, sc, out) > 0) return 1;
  const int ny = SetUpScan(v, m, sc);
  if (ny == 0) return 0;  // (not possible with strict turns)
  const int64_t* ys = sc.ys;
  const Seg* const seg = sc.seg;
  // Adjacent segments: PairCheck's near-touch test (as ShrunkConvexScan).
  for (int i = 0; i < m; ++i) {
    const Seg& si = seg[i];
    const Seg& sj = seg[i + 1 == m ? 0 : i + 1];
    if (NearLazy(sj.b, si) || NearLazy(si.a, sj)) return -1;
  }
  const auto& d = table.d;
  const auto& margin = table.margin;
  // Whether the vertex runs v[i0 .. i0 + ni] and v[j0 .. j0 + nj] (cyclic) lie on opposite sides of
  // some offset edge's line with the margin between them: then so does every segment pair of the
  // two runs (each segment's span lies within its run's), which is ShrunkConvexScan's `apart`.
  auto runs_apart = [&](int i0, int ni, int j0, int nj) {
    for (int l = 0; l < 4; ++l)
      if (RunsApartOnLine(d[l], margin[l], i0, ni, j0, nj)) return true;
    return false;
  };
  // The bounding box of the vertex run v[i0 .. i0 + ni] (cyclic).
  struct Box {
    int64_t xmin, xmax, ymin, ymax;
  };
  auto box_of = [&](int i0, int ni) {
    Box bx{v[i0].x, v[i0].x, v[i0].y, v[i0].y};
    for (int k = 1; k <= ni; ++k) {
      const Point64& p = v[i0 + k >= m ? i0 + k - m : i0 + k];
      bx.xmin = std::min(bx.xmin, p.x);
      bx.xmax = std::max(bx.xmax, p.x);
      bx.ymin = std::min(bx.ymin, p.y);
      bx.ymax = std::max(bx.ymax, p.y);
    }
    return bx;
  };
  // ShrunkConvexScan's pair filter (overlapping in y, within 2 in x), for two runs: false means it
  // drops every segment pair of the runs.
  auto within_reach = [](const Box& a, const Box& b) {
    return !(b.ymax < a.ymin || a.ymax < b.ymin || a.xmax + 2 < b.xmin || b.xmax + 2 < a.xmin);
  };
  // One non-adjacent pair that is not an E_k-1 x E_k crossing: ShrunkConvexScan's test. 0 fine,
  // -1 PairCheck gives up, 1 they cross (not a shape that scan takes).
  auto other_pair = [&](int i, int j) {
    if (i > j) std::swap(i, j);
    const Seg& si = seg[i];
    const Seg& sj = seg[j];
    if (sj.ymax < si.ymin || si.ymax < sj.ymin) return 0;
    if (si.xmax + 2 < sj.xmin || sj.xmax + 2 < si.xmin) return 0;
    if (runs_apart(i, 1, j, 1)) return 0;
    Crossing c;
    return PairCheck(seg, m, i, j, ys, ny, &c);
  };
  // Corner runs G_k = A_k, p_k, B_k (segments 3k, 3k + 1) and offset edges E_k (segment 3k + 2):
  // every non-adjacent pair of segments other than the four crossings, grouped by runs, each group
  // dropped at once when its runs are out of reach or apart, else pair by pair. The order differs
  // from ShrunkConvexScan's, which changes nothing: any pair that gives up makes the general route
  // give up too, and a pair that crosses sends the ring back to it.
  Box g[4], e[4];
  for (int k = 0; k < 4; ++k) {
    g[k] = box_of(3 * k, 2);
    e[k] = box_of(3 * k + 2, 1);
  }
  bool other = false;
  auto group = [&](int i0, int ni, const Box& bi, int j0, int nj, const Box& bj) {
    if (!within_reach(bi, bj) || runs_apart(i0, ni, j0, nj)) return 0;
    for (int a = 0; a < ni; ++a)
      for (int b = 0; b < nj; ++b) {
        const int r = other_pair(i0 + a, j0 + b >= m ? j0 + b - m : j0 + b);
        if (r < 0) return -1;
        other |= r > 0;
      }
    return 0;
  };
  for (int k = 0; k < 4; ++k) {
    for (int k2 = k + 1; k2 < 4; ++k2)
      if (group(3 * k, 2, g[k], 3 * k2, 2, g[k2]) < 0) return -1;  // spikes of two corners
    const int k2 = (k + 2) & 3, k3 = (k + 3) & 3;
    if (group(3 * k + 2, 1, e[k], 3 * k2, 2, g[k2]) < 0) return -1;  // E_k and the far corners
    if (group(3 * k + 2, 1, e[k], 3 * k3, 2, g[k3]) < 0) return -1;
    const int k1 = (k + 1) & 3;
    // E_k and the far segment of each of its own corners (A_k -> p_k, p_k+1 -> B_k+1)
    if (group(3 * k + 2, 1, e[k], 3 * k, 1, box_of(3 * k, 1)) < 0) return -1;
    if (group(3 * k + 2, 1, e[k], 3 * k1 + 1, 1, box_of(3 * k1 + 1, 1)) < 0) return -1;
    if (k < 2 && group(3 * k + 2, 1, e[k], 3 * k2 + 2, 1, e[k2]) < 0) return -1;  // opposite edges
  }
  // The four crossings E_k-1 x E_k, in ShrunkConvexScan's order: (2, 5), (2, 11), (5, 8), (8, 11).
  static constexpr int kCross[4][2] = {{2, 5}, {2, 11}, {5, 8}, {8, 11}};
  int found = 0;
  for (const auto& pr : kCross) {
    const int i = pr[0], j = pr[1];
    const Seg& si = seg[i];
    const Seg& sj = seg[j];
    if (sj.ymax < si.ymin || si.ymax < sj.ymin) continue;
    if (si.xmax + 2 < sj.xmin || sj.xmax + 2 < si.xmin) continue;
    Crossing c;
    const int r = PairCheck(seg, m, i, j, ys, ny, &c);
    if (r < 0) return -1;
    if (r > 0) sc.cr[found++] = c;
  }
  if (other) return 0;
  if (found != 4) return 0;
  return QuadTail(v, seg, sc, out) ? 1 : -1;
}

}  // namespace

// Shrunk axis-aligned rectangle: raw = A_k, p_k, B_k per corner (12 points) with axis-parallel
// offset edges B_k -> A_k+1. The result is the rectangle their lines bound; the sweep meets each
// corner at (x of the vertical edge, y of the horizontal one) exactly.
bool ShrunkRectangle(const Path64& raw, Paths64* out) {
  if (raw.size() != 12) return false;
  int64_t xs[2], ys[2];
  int nx = 0, ny = 0;
  for (int k = 0; k < 4; ++k) {
    const Point64& p = raw[3 * k + 1];
    const Point64& q = raw[3 * ((k + 1) % 4) + 1];
    if (p.x != q.x && p.y != q.y) return false;  // corners must form an axis-aligned rectangle
    const Point64& b = raw[3 * k + 2];
    const Point64& a = raw[(3 * k + 3) % 12];
    if (b.y == a.y && p.y == q.y && b.x == p.x && a.x == q.x) {
      if (ny == 2) return false;
      ys[ny++] = b.y;
    } else if (b.x == a.x && p.x == q.x && b.y == p.y && a.y == q.y) {
      if (nx == 2) return false;
      xs[nx++] = b.x;
    } else {
      return false;
    }
  }
  if (nx != 2 || ny != 2) return false;
  int64_t cx0 = raw[1].x, cx1 = raw[1].x, cy0 = raw[1].y, cy1 = raw[1].y;
  for (int k = 1; k < 4; ++k) {
    cx0 = std::min(cx0, raw[3 * k + 1].x);
    cx1 = std::max(cx1, raw[3 * k + 1].x);
    cy0 = std::min(cy0, raw[3 * k + 1].y);
    cy1 = std::max(cy1, raw[3 * k + 1].y);
  }
  const int64_t x0 = std::min(xs[0], xs[1]), x1 = std::max(xs[0], xs[1]);
  const int64_t y0 = std::min(ys[0], ys[1]), y1 = std::max(ys[0], ys[1]);
  // Offset lines strictly inside the rectangle, at least 2 units apart, and on the right sides.
  if (!(cx0 < x0 && x1 < cx1 && cy0 < y0 && y1 < cy1 && x1 - x0 >= 2 && y1 - y0 >= 2)) return false;
  for (int k = 0; k < 4; ++k) {
    const Point64& p = raw[3 * k + 1];
    const Point64& a = raw[3 * k];
    const Point64& b = raw[3 * k + 2];
    // each spike point sits on the rectangle's inner lines next to its own corner
    const int64_t ex = p.x == cx0 ? x0 : x1, ey = p.y == cy0 ? y0 : y1;
    if (!((a.x == ex && a.y == p.y) || (a.y == ey && a.x == p.x))) return false;
    if (!((b.x == ex && b.y == p.y) || (b.y == ey && b.x == p.x))) return false;
    if (a == b) return false;
  }
  out->resize(1);
  Path64& path = (*out)[0];
  path.resize(4);
  path[0] = Point64{x1, y1};
  path[1] = Point64{x0, y1};
  path[2] = Point64{x0, y0};
  path[3] = Point64{x1, y0};
  return true;
}

// The common grown case (a convex polygon offset outwards) without CleanRing's linked list.
//
// CleanRing drops repeated points and then, one at a time, vertices whose turn is zero. Here:
// repeats are dropped as they come; a zero turn is accepted only as a straight-through vertex (its
// neighbours on opposite sides), and any right turn or reversal sends the ring back to the general
// step-by-step path. Dropping a straight-through vertex leaves its neighbours' edge directions, so
// the turns of the others unchanged: in any removal order, CleanRing then ends with exactly the
// vertices whose turn is strictly left, in ring order (only its starting vertex may differ). Such a
// ring is strictly convex and y-monotone, so IsThickConvex's convexity and monotony tests pass
// from any start, its L1 perimeter is the same integer (collinear pieces add up), and EmitRotated
// rotates it to the same topmost-last order from any start. Only IsThickConvex's area test is
// summed in floating point in CleanRing's order: it is decided here on the exact area with a
// margin above that sum's rounding error, and anything closer goes to the step-by-step path.
// Returns 1 with the result in `out`, 0 (out untouched) whenever the ring is not such a case, and
// -1 when the step-by-step path below would surely give up:
// - a ring CleanRing rejects (too long);
// - a ring with a right turn whose clean-up keeps more than 16 vertices: IsThickConvex fails and
//   the `m > 16` test rejects it. Without reversals, CleanRing keeps exactly the vertices with a
//   non-zero turn (as above), so they are counted. Curved text polygons (15 points) grow raw
//   offset rings of 40-60 vertices with spikes, nearly all of this kind.
static int FastConvexRing(const Path64& raw, Paths64* out) {
  const int high = LastKeptIndex(raw);
  if (high + 1 > kMaxRing) return -1;
  if (high < 2) return 0;
  struct P {  // no default member initializers: the buffers are not zeroed on each call
    int64_t x, y;
  };
  P d[kMaxRing];  // raw without repeats
  int64_t xmax = 0, ymax = 0;  // largest |x|, |y|
  int nd = 1;
  d[0] = P{raw[0].x, raw[0].y};
  for (int i = 0; i <= high; ++i) {
    const P q{raw[i].x, raw[i].y};
    xmax = std::max<int64_t>(xmax, std::llabs(q.x));
    ymax = std::max<int64_t>(ymax, std::llabs(q.y));
    d[nd] = q;
    nd += q.x != d[nd - 1].x || q.y != d[nd - 1].y;
  }
  if (xmax >= kMaxCoord || ymax >= kMaxCoord || nd < 3 || (d[nd - 1].x == d[0].x && d[nd - 1].y == d[0].y))
    return false;
  // |coordinates| < 2^30: each product below 2^62, so turns and dot products are exact in int64.
  P v[kMaxRing];  // the vertices with a strictly left turn
  int n = 0;
  int64_t per = 0;  // L1 perimeter (exact)
  int changes = 0, first_dir = 0, last_dir = 0;  // y-direction changes around the ring
  int top = 0, ties = 0;
  double area2 = 0;  // twice the signed area as ShoelaceD sums it (in this ring's order; see the margin)
  P a = d[nd - 1], b = d[0];
  for (int i = 0; i < nd; ++i) {
    const P c = d[i + 1 == nd ? 0 : i + 1];
    const int64_t ux = b.x - a.x, uy = b.y - a.y, wx = c.x - b.x, wy = c.y - b.y;
    if (wy != 0) {
      const int dir = wy > 0 ? 1 : -1;
      if (last_dir != 0 && dir != last_dir) ++changes;
      if (first_dir == 0) first_dir = dir;
      last_dir = dir;
    }
    const int64_t turn = ux * wy - uy * wx;
    if (turn < 0) {
      // Not convex. Count the vertices CleanRing would keep: the n left turns before b, b, and
      // the non-zero turns after it (a reversal anywhere: leave it to CleanRing). At most nd.
      // (Stops once more than 16 are counted: the step-by-step path would give up on such a
      // ring. A reversal further on would have returned 0; either way the output is the sweep's.)
      if (nd <= 16) return 0;
      int kept = n + 1;
      for (int k = i + 1; k < nd; ++k) {
        const P& pa = d[k - 1];
        const P& pb = d[k];
        const P& pc = d[k + 1 == nd ? 0 : k + 1];
        const int64_t qx = pb.x - pa.x, qy = pb.y - pa.y, rx = pc.x - pb.x, ry = pc.y - pb.y;
        const int64_t t = qx * ry - qy * rx;
        if (t != 0) {
          if (++kept > 16) return -1;
        } else if (qx * rx + qy * ry <= 0) {
          return 0;
        }
      }
      return kept > 16 ? -1 : 0;
    }
    if (turn == 0) {
      if (ux * wx + uy * wy <= 0) return false;  // a reversal: CleanRing's result is order-dependent
    } else {
      if (n > 0) {
        // ShoelaceD's term for the kept edge v[n-1] -> b (the closing term is added below)
        area2 += static_cast<double>(v[n - 1].x) * static_cast<double>(b.y) - static_cast<double>(b.x) * static_cast<double>(v[n - 1].y);
        // Topmost vertex last (EmitRotated for a convex ring): the smallest y; of two, the larger x.
        if (b.y < v[top].y) {
          top = n;
          ties = 0;
        } else if (b.y == v[top].y) {
          ++ties;
          if (b.x > v[top].x) top = n;
        }
      }
      v[n++] = b;
    }
    per += std::llabs(wx) + std::llabs(wy);
    a = b;
    b = c;
  }
  // Left turns only and two y-direction changes (cyclically): a strictly convex ring winding once,
  // which passes IsThickConvex's monotony test from any start. More changes (a ring winding twice)
  // fail it from any start; leave those to the step-by-step path.
  if (first_dir != last_dir) ++changes;
  if (n < 3 || changes > 2) return false;
  area2 += static_cast<double>(v[n - 1].x) * static_cast<double>(v[0].y) - static_cast<double>(v[0].x) * static_cast<double>(v[n - 1].y);
  if (ties > 1) return false;  // not possible for a strictly convex ring; kept as a guard
  // IsThickConvex: area > 0 && 2 area >= 4 per, with area = ShoelaceD over the same vertices from
  // CleanRing's start. Each of the two sums (n terms, each below 2 xmax ymax in magnitude, with
  // rounding in every product and addition) is within n (n + 2) 2^-53 2 xmax ymax of the exact
  // value; the margin covers both errors with room to spare.
  const double area = area2 / 2;
  const double margin = (static_cast<double>(n) * (n + 2) * 4.0 * static_cast<double>(xmax) * static_cast<double>(ymax) + 4.0) *
                            (1.0 / 4503599627370496.0) +
                        std::fabs(area) * 1e-12;
  const double lo = area - margin;
  if (!(lo > 0 && 2 * lo >= 4 * static_cast<double>(per) * (1 + 1e-12))) return false;
  out->resize(1);
  Path64& path = (*out)[0];
  path.resize(static_cast<size_t>(n));
  Point64* dst = path.data();
  const int first = top + 1 == n ? 0 : top + 1;
  for (int k = first; k < n; ++k) *dst++ = Point64{v[k].x, v[k].y};
  for (int k = 0; k < first; ++k) *dst++ = Point64{v[k].x, v[k].y};
  return true;
}

// FastConvexRing's -1 decided from a prefix of the ring, without its copy of the whole ring (see
// fast_cleanup.h). FastConvexRing walks the distinct vertices d[0, nd) (trailing copies of raw[0]
// and trailing repeats ignored, inner repeats skipped) from d[0], each vertex's turn taken from
// its cyclic neighbours, and returns -1 at the first point where it has seen a right turn and more
// than kSmall (16) vertices with a non-zero turn, no reversal (a zero turn with neighbours on the
// same side, where it returns 0) before; longer rings than kMaxRing give -1 at once. This walk
// visits the same vertices in the same order with the same integers and stops at that point, or
// answers false. FastConvexRing's other exits before its scan (coordinates of 2^30 or more; fewer
// than 3 distinct vertices) cannot occur here: the precondition excludes the first, and more than
// kSmall distinct vertices the second. ShrunkRectangle and ShrunkQuad take 12-vertex rings only.
bool FastCleanupSurelyDeclines(const Path64& raw) {
  const int high = LastKeptIndex(raw);
  if (high + 1 > kMaxRing) return true;
  if (high + 1 <= kSmall) return false;  // at most kSmall distinct vertices: never -1
  const Point64* p = raw.data();
  // The vertex b whose turn is next, and the edge u into it from the previous distinct vertex
  // (raw[high] is d[nd - 1]: it differs from raw[0] and from raw[high - 1]).
  int64_t bx = p[0].x, by = p[0].y;
  int64_t ux = bx - p[high].x, uy = by - p[high].y;
  int turns = 0, right = 0;
  // The turn at b towards c: 1 once -1 is certain, -1 on a reversal (FastConvexRing returns 0
  // there: no answer), else 0, moving on to c unless c repeats b.
  auto step = [&](const Point64& c) {
    const int64_t wx = c.x - bx, wy = c.y - by;
    const int64_t turn = ux * wy - uy * wx;
    if (turn == 0) {
      if ((wx | wy) == 0) return 0;  // an inner repeat: skipped
      if (ux * wx + uy * wy <= 0) return -1;
    } else {
      ++turns;
      right |= turn < 0;
      if (right && turns > kSmall) return 1;
    }
    ux = wx;
    uy = wy;
    bx = c.x;
    by = c.y;
    return 0;
  };
  for (int j = 1; j <= high; ++j)
    if (const int r = step(p[j])) return r > 0;
  return step(p[0]) > 0;  // the turn at raw[high]
}

bool FastOffsetCleanup(const Path64& raw, Paths64* out) {
  if (ShrunkRectangle(raw, out)) return true;
  if (raw.size() == 12) {
    const int quad = ShrunkQuad(raw, out);
    if (quad > 0) return true;
    if (quad < 0) OPK_FAIL;
  }
  const int convex = FastConvexRing(raw, out);
  if (convex > 0) return true;
  if (convex < 0) OPK_FAIL;
  // One thread_local lookup per call (each is a __tls_get_addr call in the shared addon).
  Work& w = TlsWork();
  Scan& sc = w.scan;
  int m;
  if (PlainSmallRing(raw, sc.v)) {
    // CleanRing would return the ring itself (see PlainSmallRing): skip its linked list.
    m = static_cast<int>(raw.size());
    if (IsThickConvex(sc.v, m)) return EmitRotated(sc.v, m, nullptr, 0, out, false, true);
  } else {
    m = CleanRing(raw, w);
    if (m < 3) OPK_FAIL;
    // A strictly convex, y-monotone, not-thin ring (a grown convex polygon) cannot cross or touch
    // itself, even at Clipper's rounded positions: it is its own clean-up result.
    if (IsThickConvex(w.v, m)) return EmitRotated(w.v, m, nullptr, 0, out, false, true);
    // Otherwise only quadrilateral results are taken (see EmitRotated): a raw ring of more than
    // four corner spikes cannot give one, so leave at once rather than search its crossings.
    if (m > kSmall) OPK_FAIL;
    std::copy(w.v, w.v + m, sc.v);
  }
  const Point64* v = sc.v;
  const int ny = SetUpScan(v, m, sc);
  if (ny == 0) OPK_FAIL;
  const int64_t* ys = sc.ys;

  const Seg* const seg = sc.seg;
  int nc = 0;
  // A shrunk convex triangle or quadrilateral: its scan certified cheaply (see ShrunkConvexScan).
  const int quick = ShrunkConvexScan(v, m, seg, ys, ny, sc.cr, &nc);
  if (quick < 0) OPK_FAIL;
  // Otherwise every pair of segments overlapping in y: sweep by ymin. (A stable insertion sort:
  // the order std::sort gives for m <= 16, so crossings are found in the same order as before.)
  int order[kSmall];
  int active[kSmall];
  int na = 0;
  for (int i = 0; i < m && quick == 0; ++i) {
    const int64_t y = seg[i].ymin;
    int k = i;
    for (; k > 0 && seg[order[k - 1]].ymin > y; --k) order[k] = order[k - 1];
    order[k] = i;
  }
  for (int oi = 0; oi < m && quick == 0; ++oi) {
    const int i = order[oi];
    const Seg& si = seg[i];
    int keep = 0;
    for (int a = 0; a < na; ++a)
      if (seg[active[a]].ymax >= si.ymin) active[keep++] = active[a];
    na = keep;
    for (int a = 0; a < na; ++a) {
      const int j = active[a];
      const int r = PairCheck(seg, m, i, j, ys, ny, nc < kSmall ? &sc.cr[nc] : nullptr);
      if (r < 0) OPK_FAIL;
      nc += r;
    }
    active[na++] = i;
  }

  return FinishCleanup(v, m, seg, sc, nc, quick, out);
}

}  // namespace opk::geom
