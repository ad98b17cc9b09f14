// Vatti sweep with Clipper 6.4.2 output semantics. See clipper_engine.h.
//
// Conventions (as in Clipper 6): y grows downwards and the sweep runs from the largest y
// ("bottom") to the smallest ("top"). An edge's `bot` is its vertex with the larger y.
#include "geometry/clipper_engine.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <utility>

#include "geometry/int128.h"
#include "geometry/rounding.h"

namespace opk::geom {
namespace detail {

constexpr double kHorizontal = -1.0E+40;
// Paths whose |coordinates| are all at most this (just under 2^30) take int64 slope products and a
// rounding without the overflow test: every point the sweep makes (an edge's x at a scanline, a
// crossing) stays within the paths' bounding box, give or take a unit of rounding.
constexpr uint64_t kSmallCoord = static_cast<uint64_t>(ClipperEngine::kSmallCoordinate);
// The shrink frame is emulated when its coordinates are all below this in magnitude.
constexpr int64_t kSmallFrame = ClipperEngine::kSmallCoordinate + 1;

// |v| as an unsigned value (exact for INT64_MIN too).
inline uint64_t Magnitude(int64_t v) {
  const uint64_t sign = static_cast<uint64_t>(v >> 63);
  return (static_cast<uint64_t>(v) ^ sign) - sign;
}
constexpr int kUnassigned = -1;

enum class Side : uint8_t { kLeft, kRight };
enum class Dir : uint8_t { kLeftToRight, kRightToLeft };

struct Edge {
  Point64 bot, curr, top, delta;
  double dx = 0;
  PathRole role = PathRole::kSubject;
  Side side = Side::kLeft;
  int wind_delta = 0;
  int wind_cnt = 0;
  int wind_cnt2 = 0;
  int out_idx = kUnassigned;
  Edge* next = nullptr;
  Edge* prev = nullptr;
  Edge* next_in_lml = nullptr;
  Edge* next_in_ael = nullptr;
  Edge* prev_in_ael = nullptr;
  Edge* next_in_sel = nullptr;
  Edge* prev_in_sel = nullptr;
};

struct LocalMin {
  int64_t y;
  Edge* left;
  Edge* right;
};

struct OutPt {
  int idx;
  Point64 pt;
  OutPt* next;
  OutPt* prev;
};

struct OutRec {
  int idx;
  bool is_hole;
  OutRec* first_left;
  OutPt* pts;
  OutPt* bottom_pt;
};

struct JoinRec {
  OutPt* op1;
  OutPt* op2;
  Point64 off;
};

struct IntersectNode {
  Edge* e1;
  Edge* e2;
  Point64 pt;
};

// Chunked pool: stable addresses, memory kept across Reset(). The free room of the current chunk
// is [cur_, end_): the common allocation is a compare and an add.
template <typename T>
class Pool {
 public:
  T* Alloc(size_t n) {
    if (static_cast<size_t>(end_ - cur_) >= n) {
      T* p = cur_;
      cur_ += n;
      return p;
    }
    return AllocSlow(n);
  }
  void Reset() {
    chunk_ = 0;
    cur_ = chunks_.empty() ? nullptr : chunks_[0].data();
    end_ = chunks_.empty() ? nullptr : chunks_[0].data() + chunks_[0].size();
  }

 private:
  // The next chunk with room for n (a new one, twice the last size, when none has).
  __attribute__((noinline)) T* AllocSlow(size_t n) {
    size_t next = cur_ == nullptr ? 0 : chunk_ + 1;
    while (next < chunks_.size() && chunks_[next].size() < n) ++next;
    if (next == chunks_.size()) {
      const size_t size = std::max<size_t>(n, chunks_.empty() ? 64 : chunks_.back().size() * 2);
      chunks_.emplace_back(size);
    }
    chunk_ = next;
    std::vector<T>& c = chunks_[chunk_];
    cur_ = c.data() + n;
    end_ = c.data() + c.size();
    return c.data();
  }
  std::vector<std::vector<T>> chunks_;
  size_t chunk_ = 0;   // the chunk of [cur_, end_) (when cur_ is not null)
  T* cur_ = nullptr;
  T* end_ = nullptr;
};

inline bool IsHorizontal(const Edge& e) { return e.delta.y == 0; }

inline int64_t TopX(const Edge& e, int64_t y) {
  return y == e.top.y ? e.top.x : e.bot.x + RoundHalfAway(e.dx * static_cast<double>(y - e.bot.y));
}

inline bool SlopesEqual(const Edge& a, const Edge& b) {
  return MulEqual(a.delta.y, b.delta.x, a.delta.x, b.delta.y);
}
inline bool SlopesEqual(const Point64& p1, const Point64& p2, const Point64& p3) {
  return MulEqual(p1.y - p2.y, p2.x - p3.x, p1.x - p2.x, p2.y - p3.y);
}
// SlopesEqual(p1, p2, p3) for points with |coordinates| <= kSmallCoord: every difference is
// below 2^31 in magnitude, each product below 2^62, so int64 is exact.
inline bool SlopesEqualSmall(const Point64& p1, const Point64& p2, const Point64& p3) {
  return (p1.y - p2.y) * (p2.x - p3.x) == (p1.x - p2.x) * (p2.y - p3.y);
}
inline bool SlopesEqual(const Point64& p1, const Point64& p2, const Point64& p3, const Point64& p4) {
  return MulEqual(p1.y - p2.y, p3.x - p4.x, p1.x - p2.x, p3.y - p4.y);
}

inline bool Pt2IsBetweenPt1AndPt3(const Point64& p1, const Point64& p2, const Point64& p3) {
  if (p1 == p3 || p1 == p2 || p3 == p2) return false;
  if (p1.x != p3.x) return (p2.x > p1.x) == (p2.x < p3.x);
  return (p2.y > p1.y) == (p2.y < p3.y);
}

inline double GetDx(const Point64& a, const Point64& b) {
  return a.y == b.y ? kHorizontal : static_cast<double>(b.x - a.x) / static_cast<double>(b.y - a.y);
}

inline void SetDx(Edge& e) {
  e.delta.x = e.top.x - e.bot.x;
  e.delta.y = e.top.y - e.bot.y;
  e.dx = e.delta.y == 0 ? kHorizontal : static_cast<double>(e.delta.x) / static_cast<double>(e.delta.y);
}

inline void ReverseHorizontal(Edge& e) { std::swap(e.top.x, e.bot.x); }

double AreaOf(const OutPt* op) {
  const OutPt* start = op;
  if (!op) return 0;
  double a = 0;
  do {
    a += static_cast<double>(op->prev->pt.x + op->pt.x) * static_cast<double>(op->prev->pt.y - op->pt.y);
    op = op->next;
  } while (op != start);
  return a * 0.5;
}

void ReversePolyPtLinks(OutPt* pp) {
  if (!pp) return;
  OutPt* p = pp;
  do {
    OutPt* n = p->next;
    p->next = p->prev;
    p->prev = n;
    p = n;
  } while (p != pp);
}

int PointCount(const OutPt* pts) {
  if (!pts) return 0;
  int n = 0;
  const OutPt* p = pts;
  do {
    ++n;
    p = p->next;
  } while (p != pts);
  return n;
}

bool FirstIsBottomPt(const OutPt* b1, const OutPt* b2) {
  const OutPt* p = b1->prev;
  while (p->pt == b1->pt && p != b1) p = p->prev;
  double dx1p = std::fabs(GetDx(b1->pt, p->pt));
  p = b1->next;
  while (p->pt == b1->pt && p != b1) p = p->next;
  double dx1n = std::fabs(GetDx(b1->pt, p->pt));
  p = b2->prev;
  while (p->pt == b2->pt && p != b2) p = p->prev;
  double dx2p = std::fabs(GetDx(b2->pt, p->pt));
  p = b2->next;
  while (p->pt == b2->pt && p != b2) p = p->next;
  double dx2n = std::fabs(GetDx(b2->pt, p->pt));
  if (std::max(dx1p, dx1n) == std::max(dx2p, dx2n) && std::min(dx1p, dx1n) == std::min(dx2p, dx2n))
    return AreaOf(b1) > 0;
  return (dx1p >= dx2p && dx1p >= dx2n) || (dx1n >= dx2p && dx1n >= dx2n);
}

OutPt* GetBottomPt(OutPt* pp) {
  OutPt* dups = nullptr;
  OutPt* p = pp->next;
  while (p != pp) {
    if (p->pt.y > pp->pt.y) {
      pp = p;
      dups = nullptr;
    } else if (p->pt.y == pp->pt.y && p->pt.x <= pp->pt.x) {
      if (p->pt.x < pp->pt.x) {
        dups = nullptr;
        pp = p;
      } else if (p->next != pp && p->prev != pp) {
        dups = p;
      }
    }
    p = p->next;
  }
  if (dups) {
    while (dups != p) {
      if (!FirstIsBottomPt(p, dups)) pp = dups;
      dups = dups->next;
      while (dups->pt != pp->pt) dups = dups->next;
    }
  }
  return pp;
}

OutRec* GetLowermostRec(OutRec* r1, OutRec* r2) {
  if (!r1->bottom_pt) r1->bottom_pt = GetBottomPt(r1->pts);
  if (!r2->bottom_pt) r2->bottom_pt = GetBottomPt(r2->pts);
  OutPt* p1 = r1->bottom_pt;
  OutPt* p2 = r2->bottom_pt;
  if (p1->pt.y > p2->pt.y) return r1;
  if (p1->pt.y < p2->pt.y) return r2;
  if (p1->pt.x < p2->pt.x) return r1;
  if (p1->pt.x > p2->pt.x) return r2;
  if (p1->next == p1) return r2;
  if (p2->next == p2) return r1;
  if (FirstIsBottomPt(p1, p2)) return r1;
  return r2;
}

bool OutRec1RightOfOutRec2(OutRec* r1, OutRec* r2) {
  do {
    r1 = r1->first_left;
    if (r1 == r2) return true;
  } while (r1);
  return false;
}

// 0: outside, 1: inside, -1: on the boundary.
int PointInOutPts(const Point64& pt, OutPt* op) {
  int result = 0;
  OutPt* start = op;
  for (;;) {
    if (op->next->pt.y == pt.y) {
      if (op->next->pt.x == pt.x || (op->pt.y == pt.y && ((op->next->pt.x > pt.x) == (op->pt.x < pt.x))))
        return -1;
    }
    if ((op->pt.y < pt.y) != (op->next->pt.y < pt.y)) {
      if (op->pt.x >= pt.x) {
        if (op->next->pt.x > pt.x) {
          result = 1 - result;
        } else {
          double d = static_cast<double>(op->pt.x - pt.x) * static_cast<double>(op->next->pt.y - pt.y) -
                     static_cast<double>(op->next->pt.x - pt.x) * static_cast<double>(op->pt.y - pt.y);
          if (d == 0) return -1;
          if ((d > 0) == (op->next->pt.y > op->pt.y)) result = 1 - result;
        }
      } else if (op->next->pt.x > pt.x) {
        double d = static_cast<double>(op->pt.x - pt.x) * static_cast<double>(op->next->pt.y - pt.y) -
                   static_cast<double>(op->next->pt.x - pt.x) * static_cast<double>(op->pt.y - pt.y);
        if (d == 0) return -1;
        if ((d > 0) == (op->next->pt.y > op->pt.y)) result = 1 - result;
      }
    }
    op = op->next;
    if (op == start) break;
  }
  return result;
}

bool Poly2ContainsPoly1(OutPt* op1, OutPt* op2) {
  OutPt* op = op1;
  do {
    int res = PointInOutPts(op->pt, op2);
    if (res >= 0) return res > 0;
    op = op->next;
  } while (op != op1);
  return true;
}

bool GetOverlap(int64_t a1, int64_t a2, int64_t b1, int64_t b2, int64_t& left, int64_t& right) {
  if (a1 < a2) {
    if (b1 < b2) {
      left = std::max(a1, b1);
      right = std::min(a2, b2);
    } else {
      left = std::max(a1, b2);
      right = std::min(a2, b1);
    }
  } else {
    if (b1 < b2) {
      left = std::max(a2, b1);
      right = std::min(a1, b2);
    } else {
      left = std::max(a2, b2);
      right = std::min(a1, b1);
    }
  }
  return left < right;
}

bool HorzSegmentsOverlap(int64_t a1, int64_t a2, int64_t b1, int64_t b2) {
  if (a1 > a2) std::swap(a1, a2);
  if (b1 > b2) std::swap(b1, b2);
  return a1 < b2 && b1 < a2;
}

Edge* FindNextLocMin(Edge* e) {
  for (;;) {
    while (e->bot != e->prev->bot || e->curr == e->top) e = e->next;
    if (!IsHorizontal(*e) && !IsHorizontal(*e->prev)) break;
    while (IsHorizontal(*e->prev)) e = e->prev;
    Edge* e2 = e;
    while (IsHorizontal(*e)) e = e->next;
    if (e->top.y == e->prev->bot.y) continue;  // an intermediate horizontal
    if (e2->prev->bot.x < e->bot.x) e = e2;
    break;
  }
  return e;
}

Edge* ProcessBound(Edge* e, bool next_is_forward) {
  Edge* result = e;
  if (IsHorizontal(*e)) {
    Edge* start = next_is_forward ? e->prev : e->next;
    if (IsHorizontal(*start)) {
      if (start->bot.x != e->bot.x && start->top.x != e->bot.x) ReverseHorizontal(*e);
    } else if (start->bot.x != e->bot.x) {
      ReverseHorizontal(*e);
    }
  }
  Edge* start = e;
  if (next_is_forward) {
    while (result->top.y == result->next->bot.y) result = result->next;
    if (IsHorizontal(*result)) {
      Edge* horz = result;
      while (IsHorizontal(*horz->prev)) horz = horz->prev;
      if (horz->prev->top.x > result->next->top.x) result = horz->prev;
    }
    while (e != result) {
      e->next_in_lml = e->next;
      if (IsHorizontal(*e) && e != start && e->bot.x != e->prev->top.x) ReverseHorizontal(*e);
      e = e->next;
    }
    if (IsHorizontal(*e) && e != start && e->bot.x != e->prev->top.x) ReverseHorizontal(*e);
    result = result->next;
  } else {
    while (result->top.y == result->prev->bot.y) result = result->prev;
    if (IsHorizontal(*result)) {
      Edge* horz = result;
      while (IsHorizontal(*horz->next)) horz = horz->next;
      if (horz->next->top.x == result->prev->top.x || horz->next->top.x > result->prev->top.x)
        result = horz->next;
    }
    while (e != result) {
      e->next_in_lml = e->prev;
      if (IsHorizontal(*e) && e != start && e->bot.x != e->next->top.x) ReverseHorizontal(*e);
      e = e->prev;
    }
    if (IsHorizontal(*e) && e != start && e->bot.x != e->next->top.x) ReverseHorizontal(*e);
    result = result->prev;
  }
  return result;
}

Edge* GetMaximaPair(Edge* e) {
  if (e->next->top == e->top && !e->next->next_in_lml) return e->next;
  if (e->prev->top == e->top && !e->prev->next_in_lml) return e->prev;
  return nullptr;
}

Edge* GetMaximaPairEx(Edge* e) {
  Edge* r = GetMaximaPair(e);
  if (r && r->next_in_ael == r->prev_in_ael && !IsHorizontal(*r)) return nullptr;
  return r;
}

inline Edge* GetNextInAEL(Edge* e, Dir d) { return d == Dir::kLeftToRight ? e->next_in_ael : e->prev_in_ael; }

inline void GetHorzDirection(const Edge& h, Dir& d, int64_t& left, int64_t& right) {
  if (h.bot.x < h.top.x) {
    left = h.bot.x;
    right = h.top.x;
    d = Dir::kLeftToRight;
  } else {
    left = h.top.x;
    right = h.bot.x;
    d = Dir::kRightToLeft;
  }
}

OutPt* DupOutPt(Pool<OutPt>& pool, OutPt* op, bool insert_after) {
  OutPt* r = pool.Alloc(1);
  r->pt = op->pt;
  r->idx = op->idx;
  if (insert_after) {
    r->next = op->next;
    r->prev = op;
    op->next->prev = r;
    op->next = r;
  } else {
    r->prev = op->prev;
    r->next = op;
    op->prev->next = r;
    op->prev = r;
  }
  return r;
}

bool JoinHorz(Pool<OutPt>& pool, OutPt* op1, OutPt* op1b, OutPt* op2, OutPt* op2b, const Point64 pt,
              bool discard_left) {
  Dir dir1 = op1->pt.x > op1b->pt.x ? Dir::kRightToLeft : Dir::kLeftToRight;
  Dir dir2 = op2->pt.x > op2b->pt.x ? Dir::kRightToLeft : Dir::kLeftToRight;
  if (dir1 == dir2) return false;
  auto advance = [&](OutPt*& op, OutPt*& opb, Dir dir) {
    if (dir == Dir::kLeftToRight) {
      while (op->next->pt.x <= pt.x && op->next->pt.x >= op->pt.x && op->next->pt.y == pt.y) op = op->next;
      if (discard_left && op->pt.x != pt.x) op = op->next;
      opb = DupOutPt(pool, op, !discard_left);
      if (opb->pt != pt) {
        op = opb;
        op->pt = pt;
        opb = DupOutPt(pool, op, !discard_left);
      }
    } else {
      while (op->next->pt.x >= pt.x && op->next->pt.x <= op->pt.x && op->next->pt.y == pt.y) op = op->next;
      if (!discard_left && op->pt.x != pt.x) op = op->next;
      opb = DupOutPt(pool, op, discard_left);
      if (opb->pt != pt) {
        op = opb;
        op->pt = pt;
        opb = DupOutPt(pool, op, discard_left);
      }
    }
  };
  advance(op1, op1b, dir1);
  advance(op2, op2b, dir2);
  if ((dir1 == Dir::kLeftToRight) == discard_left) {
    op1->prev = op2;
    op2->next = op1;
    op1b->next = op2b;
    op2b->prev = op1b;
  } else {
    op1->next = op2;
    op2->prev = op1;
    op1b->prev = op2b;
    op2b->next = op1b;
  }
  return true;
}

struct EngineState {
  ClipperEngineOptions opt;
  Pool<Edge> edge_pool;
  Pool<OutPt> outpts;
  Pool<OutRec> outrecs;
  std::vector<LocalMin> minima;
  size_t current_lm = 0;
  std::vector<int64_t> scanbeam;  // max-heap (insertions at or above the current scanline only)
  // All other scanbeams (see InsertScanbeam), taken in descending order: from the bitmap
  // `beam_bits` over [beam_lo, beam_lo + 64 * words) when the paths' y span is small, else from
  // the sorted vector `beams`. The next one is kept in `next_beam` (none: !has_next_beam).
  std::vector<int64_t> beams;
  std::vector<uint64_t> beam_bits;
  // The top y of every edge of the paths added since Clear() (AddClosedPath's kept edges,
  // horizontals included), n_edge_tops of them: with the local minima's ys, exactly the scanbeams
  // (see BuildBeams).
  std::vector<int64_t> edge_tops;
  size_t n_edge_tops = 0;
  bool beam_bitmap = false;
  int64_t beam_lo = 0;
  size_t bit_word = 0;     // bitmap: the word of `bit_cur`
  uint64_t bit_cur = 0;    // bitmap: the bits of word `bit_word` not taken yet
  size_t beam_pos = 0;     // vector: the index of next_beam + 1
  bool has_next_beam = false;
  int64_t next_beam = 0;
  int64_t beam_y = 0;      // the last scanbeam popped
  bool beams_ready = false;
  // The smallest and largest y of the edges added since Clear() (none: y_lo > y_hi).
  int64_t y_lo = INT64_MAX, y_hi = INT64_MIN;
  size_t n_minima = 0;     // minima.size() during a run
  // Every path added since Clear() has |coordinates| <= kSmallCoord.
  bool small_coords = true;
  // A clip path was added since Clear().
  bool has_clip = false;
  // This run emulates ClipperOffset's shrink frame (see ExecuteShrinkFrame): poly_outs[0] stands
  // for the frame's output record, and the frame's left edge is "to the left" of every active edge.
  bool virtual_frame = false;
  bool last_frame_emulated = false;
  std::vector<OutRec*> poly_outs;
  std::vector<JoinRec> joins;
  std::vector<JoinRec> ghost_joins;
  std::vector<IntersectNode> intersects;
  // The active edges that end at the current scanbeam's top, in AEL order (see BuildIntersectList).
  std::vector<Edge*> tops;  // room for every edge (sized in Reset); n_tops used
  size_t n_tops = 0;
  size_t n_edges = 0;       // edges added since Clear()
  Edge* active = nullptr;
  Edge* sorted = nullptr;
  ClipOp clip_op = ClipOp::kUnion;
  FillRule subj_fill = FillRule::kEvenOdd;
  FillRule clip_fill = FillRule::kEvenOdd;

  void ResetRun() {
    outpts.Reset();
    outrecs.Reset();
    poly_outs.clear();
    joins.clear();
    ghost_joins.clear();
    intersects.clear();
    scanbeam.clear();
    beams.clear();
    beam_pos = 0;
    has_next_beam = false;
    beams_ready = false;
    active = nullptr;
    sorted = nullptr;
  }

  // ---- scanbeam & minima ------------------------------------------------------------
  // Clipper keeps its scanbeams in a max-heap: every local minimum's y up front, then the top y
  // of each edge as it enters the active list (at its bottom y, so before the sweep reaches its
  // top). Every edge of a bound enters the list, so the values popped in order are exactly the
  // local minima's ys and the non-horizontal bound edges' top ys, known when the sweep starts:
  // Reset() sorts them once into `beams` (descending, distinct). An insertion below the current
  // scanline is then already there and is skipped; only an insertion at or above it (a horizontal
  // edge's y, which Clipper pops again) goes to the small heap `scanbeam`, merged when popping.
  void InsertScanbeam(int64_t y) {
    if (beams_ready && y < beam_y) {
#ifdef OPK_ENGINE_CHECKS
      if (beam_bitmap) {
        const uint64_t d = static_cast<uint64_t>(y) - static_cast<uint64_t>(beam_lo);
        if (!(beam_bits[d >> 6] >> (d & 63) & 1)) std::abort();
      } else if (!std::binary_search(beams.begin(), beams.end(), y, [](int64_t a, int64_t b) { return a > b; })) {
        std::abort();
      }
#endif
      return;
    }
    scanbeam.push_back(y);
    std::push_heap(scanbeam.begin(), scanbeam.end());
  }
  // Moves next_beam to the next sorted scanbeam.
  void AdvanceBeam() {
    if (beam_bitmap) {
      while (bit_cur == 0) {
        if (bit_word == 0) {
          has_next_beam = false;
          return;
        }
        bit_cur = beam_bits[--bit_word];
      }
      const int b = 63 - __builtin_clzll(bit_cur);
      bit_cur ^= uint64_t{1} << b;
      next_beam = beam_lo + static_cast<int64_t>(bit_word * 64 + static_cast<size_t>(b));
    } else if (beam_pos < beams.size()) {
      next_beam = beams[beam_pos++];
    } else {
      has_next_beam = false;
    }
  }
  bool PopScanbeam(int64_t& y) {
    if (scanbeam.empty()) {
      if (!has_next_beam) return false;
      y = next_beam;
      AdvanceBeam();
    } else {
      y = scanbeam.front();
      if (has_next_beam && next_beam > y) y = next_beam;
      while (!scanbeam.empty() && scanbeam.front() == y) {
        std::pop_heap(scanbeam.begin(), scanbeam.end());
        scanbeam.pop_back();
      }
      if (has_next_beam && next_beam == y) AdvanceBeam();
    }
    beam_y = y;
    return true;
  }
  // The sorted scanbeams of Reset(): local minima and every non-horizontal bound edge's top, all
  // within [y_lo, y_hi]. Set as bits of a bitmap over that span when it is small (the usual case:
  // one polygon's height), else collected and sorted with std::sort.
  //
  // Clipper's scanbeams are the local minima's ys and the tops of the non-horizontal edges of
  // every bound. Every edge of a closed path lies in a bound, and a horizontal edge's y is either
  // another (non-horizontal) edge's top, where the ring reaches the horizontal run from below, or
  // a local minimum's y, where it leaves the run upwards at both ends. So the scanbeams are the
  // minima's ys and the tops of all edges, which AddClosedPath lists in one array
  // (OPK_ENGINE_CHECKS compares the two sets).
  void BuildBeams() {
    constexpr uint64_t kMaxSpan = 1 << 14;
    beam_bitmap = static_cast<uint64_t>(y_hi) - static_cast<uint64_t>(y_lo) < kMaxSpan;
    const int64_t* tops_y = edge_tops.data();
    if (beam_bitmap) {
      const int64_t lo = y_lo;
      beam_lo = lo;
      const size_t words = static_cast<size_t>((static_cast<uint64_t>(y_hi) - static_cast<uint64_t>(lo)) >> 6) + 1;
      beam_bits.assign(words, 0);
      uint64_t* bits = beam_bits.data();
      auto set = [bits, lo](int64_t y) {
        const uint64_t d = static_cast<uint64_t>(y) - static_cast<uint64_t>(lo);
        bits[d >> 6] |= uint64_t{1} << (d & 63);
      };
      for (size_t i = 0; i < n_edge_tops; ++i) set(tops_y[i]);
      for (const LocalMin& lm : minima) set(lm.y);
      bit_word = words;
      bit_cur = 0;
    } else {
      beams.assign(tops_y, tops_y + n_edge_tops);
      for (const LocalMin& lm : minima) beams.push_back(lm.y);
      std::sort(beams.begin(), beams.end(), [](int64_t a, int64_t b) { return a > b; });
      beams.erase(std::unique(beams.begin(), beams.end()), beams.end());
      beam_pos = 0;
    }
#ifdef OPK_ENGINE_CHECKS
    // Clipper's set, from the bounds.
    std::vector<int64_t> expected;
    for (const LocalMin& lm : minima) {
      if (lm.y < y_lo || lm.y > y_hi) std::abort();
      expected.push_back(lm.y);
      for (Edge* b : {lm.left, lm.right})
        for (Edge* e = b; e; e = e->next_in_lml) {
          if (e->top.y < y_lo || e->top.y > y_hi) std::abort();
          if (!IsHorizontal(*e)) expected.push_back(e->top.y);
        }
    }
    std::sort(expected.begin(), expected.end(), [](int64_t a, int64_t b) { return a > b; });
    expected.erase(std::unique(expected.begin(), expected.end()), expected.end());
    if (beam_bitmap) {
      std::vector<uint64_t> bits(beam_bits.size(), 0);
      for (int64_t y : expected) {
        const uint64_t d = static_cast<uint64_t>(y) - static_cast<uint64_t>(beam_lo);
        bits[d >> 6] |= uint64_t{1} << (d & 63);
      }
      if (bits != beam_bits) std::abort();
    } else if (expected != beams) {
      std::abort();
    }
#endif
    has_next_beam = true;
    AdvanceBeam();
    beams_ready = true;
  }

  bool PopLocalMinima(int64_t y, const LocalMin*& lm) {
    if (current_lm == n_minima || minima[current_lm].y != y) return false;
    lm = &minima[current_lm++];
    return true;
  }
  bool LocalMinimaPending() const { return current_lm < n_minima; }

  // libstdc++'s std::sort leaves ranges of at most this many elements to insertion sort.
  static constexpr size_t kStdSortInsertionLimit = 16;
  // Clipper 6.4.2's order: std::sort by descending y, with the virtual frame's stand-in.
  void SortMinimaAsClipper(std::vector<LocalMin>& lms) const {
    if (virtual_frame) lms.push_back(LocalMin{INT64_MAX, nullptr, nullptr});
    std::sort(lms.begin(), lms.end(), [](const LocalMin& a, const LocalMin& b) { return b.y < a.y; });
    if (virtual_frame) {
#ifdef OPK_ENGINE_CHECKS
      if (lms[0].left || lms.size() < 2 || lms[1].y == INT64_MAX) std::abort();
#endif
      lms.erase(lms.begin());
    }
  }
  // Descending y, equal ys in their order.
  void InsertionSortMinima() {
    LocalMin* m = minima.data();
    const size_t n = minima.size();
    for (size_t i = 1; i < n; ++i) {
      if (m[i - 1].y >= m[i].y) continue;
      const LocalMin lm = m[i];
      size_t j = i;
      do {
        m[j] = m[j - 1];
        --j;
      } while (j > 0 && m[j - 1].y < lm.y);
      m[j] = lm;
    }
  }

  void Reset() {
    current_lm = 0;
    n_minima = minima.size();
    if (minima.empty()) return;
    if (tops.size() < n_edges) tops.resize(n_edges);
    if (opt.js_compat) {
      // clipper-lib inserts each minimum before the existing ones of equal y.
      std::vector<LocalMin> sorted_lm;
      sorted_lm.reserve(minima.size());
      for (const LocalMin& lm : minima) {
        auto it = sorted_lm.begin();
        while (it != sorted_lm.end() && lm.y < it->y) ++it;
        sorted_lm.insert(it, lm);
      }
      minima.swap(sorted_lm);
    } else {
      // Same algorithm and comparator as Clipper 6.4.2 (std::sort, libstdc++): same order.
      // The virtual frame: the real frame's one local minimum comes last in Clipper's list (the
      // frame is added after the paths) and lies below every other (its y, bottom + 10, is larger
      // than any path vertex's). std::sort's permutation depends only on the comparisons' results,
      // so a stand-in with a larger y than all the others, in the same place, leaves the paths'
      // minima in the same order as the real frame does (std::sort is not stable: leaving it out
      // could reorder minima of equal y). It sorts to the front and is dropped.
      //
      // libstdc++'s std::sort sorts 16 elements or fewer by plain insertion sort (its introsort
      // loop only partitions ranges of more than 16), which keeps equal elements in their order:
      // for such counts, stand-in included, a stable insertion sort of the paths' minima gives the
      // same order without the stand-in (it would only move to the front).
      if (minima.size() + (virtual_frame ? 1 : 0) <= kStdSortInsertionLimit) {
#ifdef OPK_ENGINE_CHECKS
        std::vector<LocalMin> expected = minima;
        SortMinimaAsClipper(expected);
#endif
        InsertionSortMinima();
#ifdef OPK_ENGINE_CHECKS
        for (size_t i = 0; i < minima.size(); ++i)
          if (minima[i].left != expected[i].left || minima[i].right != expected[i].right) std::abort();
#endif
      } else {
        SortMinimaAsClipper(minima);
      }
    }
    for (LocalMin& lm : minima) {
      if (Edge* e = lm.left) {
        e->curr = e->bot;
        e->side = Side::kLeft;
        e->out_idx = kUnassigned;
      }
      if (Edge* e = lm.right) {
        e->curr = e->bot;
        e->side = Side::kRight;
        e->out_idx = kUnassigned;
      }
    }
    active = nullptr;
    current_lm = 0;
    BuildBeams();
  }

  // ---- fill-rule helpers --------------------------------------------------------------
  FillRule FillOf(const Edge& e) const { return e.role == PathRole::kSubject ? subj_fill : clip_fill; }
  FillRule AltFillOf(const Edge& e) const { return e.role == PathRole::kSubject ? clip_fill : subj_fill; }
  bool IsEvenOdd(const Edge& e) const { return FillOf(e) == FillRule::kEvenOdd; }
  bool IsEvenOddAlt(const Edge& e) const { return AltFillOf(e) == FillRule::kEvenOdd; }

  // ---- AEL / SEL ----------------------------------------------------------------------
  static bool E2InsertsBeforeE1(const Edge& e1, const Edge& e2) {
    if (e2.curr.x == e1.curr.x) {
      if (e2.top.y > e1.top.y) return e2.top.x < TopX(e1, e2.top.y);
      return e1.top.x > TopX(e2, e1.top.y);
    }
    return e2.curr.x < e1.curr.x;
  }

  void InsertEdgeIntoAEL(Edge* e, Edge* start) {
    if (!active) {
      e->prev_in_ael = nullptr;
      e->next_in_ael = nullptr;
      active = e;
    } else if (!start && E2InsertsBeforeE1(*active, *e)) {
      e->prev_in_ael = nullptr;
      e->next_in_ael = active;
      active->prev_in_ael = e;
      active = e;
    } else {
      if (!start) start = active;
      while (start->next_in_ael && !E2InsertsBeforeE1(*start->next_in_ael, *e)) start = start->next_in_ael;
      e->next_in_ael = start->next_in_ael;
      if (start->next_in_ael) start->next_in_ael->prev_in_ael = e;
      e->prev_in_ael = start;
      start->next_in_ael = e;
    }
  }

  void DeleteFromAEL(Edge* e) {
    Edge* p = e->prev_in_ael;
    Edge* n = e->next_in_ael;
    if (!p && !n && e != active) return;
    if (p) p->next_in_ael = n;
    else active = n;
    if (n) n->prev_in_ael = p;
    e->next_in_ael = nullptr;
    e->prev_in_ael = nullptr;
  }

  void DeleteFromSEL(Edge* e) {
    Edge* p = e->prev_in_sel;
    Edge* n = e->next_in_sel;
    if (!p && !n && e != sorted) return;
    if (p) p->next_in_sel = n;
    else sorted = n;
    if (n) n->prev_in_sel = p;
    e->next_in_sel = nullptr;
    e->prev_in_sel = nullptr;
  }

  void AddEdgeToSEL(Edge* e) {
    if (!sorted) {
      sorted = e;
      e->prev_in_sel = nullptr;
      e->next_in_sel = nullptr;
    } else {
      e->next_in_sel = sorted;
      e->prev_in_sel = nullptr;
      sorted->prev_in_sel = e;
      sorted = e;
    }
  }

  bool PopEdgeFromSEL(Edge*& e) {
    if (!sorted) return false;
    e = sorted;
    DeleteFromSEL(sorted);
    return true;
  }

  void CopyAELToSEL() {
    Edge* e = active;
    sorted = e;
    while (e) {
      e->prev_in_sel = e->prev_in_ael;
      e->next_in_sel = e->next_in_ael;
      e = e->next_in_ael;
    }
  }

  void SwapPositionsInAEL(Edge* e1, Edge* e2) {
    if (e1->next_in_ael == e1->prev_in_ael || e2->next_in_ael == e2->prev_in_ael) return;
    if (e1->next_in_ael == e2) {
      Edge* n = e2->next_in_ael;
      if (n) n->prev_in_ael = e1;
      Edge* p = e1->prev_in_ael;
      if (p) p->next_in_ael = e2;
      e2->prev_in_ael = p;
      e2->next_in_ael = e1;
      e1->prev_in_ael = e2;
      e1->next_in_ael = n;
    } else if (e2->next_in_ael == e1) {
      Edge* n = e1->next_in_ael;
      if (n) n->prev_in_ael = e2;
      Edge* p = e2->prev_in_ael;
      if (p) p->next_in_ael = e1;
      e1->prev_in_ael = p;
      e1->next_in_ael = e2;
      e2->prev_in_ael = e1;
      e2->next_in_ael = n;
    } else {
      Edge* n = e1->next_in_ael;
      Edge* p = e1->prev_in_ael;
      e1->next_in_ael = e2->next_in_ael;
      if (e1->next_in_ael) e1->next_in_ael->prev_in_ael = e1;
      e1->prev_in_ael = e2->prev_in_ael;
      if (e1->prev_in_ael) e1->prev_in_ael->next_in_ael = e1;
      e2->next_in_ael = n;
      if (e2->next_in_ael) e2->next_in_ael->prev_in_ael = e2;
      e2->prev_in_ael = p;
      if (e2->prev_in_ael) e2->prev_in_ael->next_in_ael = e2;
    }
    if (!e1->prev_in_ael) active = e1;
    else if (!e2->prev_in_ael) active = e2;
  }

  void SwapPositionsInSEL(Edge* e1, Edge* e2) {
    if (!e1->next_in_sel && !e1->prev_in_sel) return;
    if (!e2->next_in_sel && !e2->prev_in_sel) return;
    if (e1->next_in_sel == e2) {
      Edge* n = e2->next_in_sel;
      if (n) n->prev_in_sel = e1;
      Edge* p = e1->prev_in_sel;
      if (p) p->next_in_sel = e2;
      e2->prev_in_sel = p;
      e2->next_in_sel = e1;
      e1->prev_in_sel = e2;
      e1->next_in_sel = n;
    } else if (e2->next_in_sel == e1) {
      Edge* n = e1->next_in_sel;
      if (n) n->prev_in_sel = e2;
      Edge* p = e2->prev_in_sel;
      if (p) p->next_in_sel = e1;
      e1->prev_in_sel = p;
      e1->next_in_sel = e2;
      e2->prev_in_sel = e1;
      e2->next_in_sel = n;
    } else {
      Edge* n = e1->next_in_sel;
      Edge* p = e1->prev_in_sel;
      e1->next_in_sel = e2->next_in_sel;
      if (e1->next_in_sel) e1->next_in_sel->prev_in_sel = e1;
      e1->prev_in_sel = e2->prev_in_sel;
      if (e1->prev_in_sel) e1->prev_in_sel->next_in_sel = e1;
      e2->next_in_sel = n;
      if (e2->next_in_sel) e2->next_in_sel->prev_in_sel = e2;
      e2->prev_in_sel = p;
      if (e2->prev_in_sel) e2->prev_in_sel->next_in_sel = e2;
    }
    if (!e1->prev_in_sel) sorted = e1;
    else if (!e2->prev_in_sel) sorted = e2;
  }

  void UpdateEdgeIntoAEL(Edge*& e) {
    Edge* nxt = e->next_in_lml;
    nxt->out_idx = e->out_idx;
    Edge* p = e->prev_in_ael;
    Edge* n = e->next_in_ael;
    if (p) p->next_in_ael = nxt;
    else active = nxt;
    if (n) n->prev_in_ael = nxt;
    nxt->side = e->side;
    nxt->wind_delta = e->wind_delta;
    nxt->wind_cnt = e->wind_cnt;
    nxt->wind_cnt2 = e->wind_cnt2;
    // The replaced edge leaves the AEL for good: unlinked, so that InAEL() is false for it.
    e->prev_in_ael = nullptr;
    e->next_in_ael = nullptr;
    e = nxt;
    e->curr = e->bot;
    e->prev_in_ael = p;
    e->next_in_ael = n;
    if (!IsHorizontal(*e)) InsertScanbeam(e->top.y);
  }

  // ---- winding --------------------------------------------------------------------------
  void SetWindingCount(Edge& edge) {
    Edge* e = edge.prev_in_ael;
    while (e && (e->role != edge.role || e->wind_delta == 0)) e = e->prev_in_ael;
    if (!e && virtual_frame) {
      // The virtual frame: no path edge to the left (so `edge` is first in the AEL: every edge is
      // a subject with wind_delta +-1), where the real run finds the frame's left edge: a subject
      // with wind_delta -1, wind_cnt -1 (first in its AEL) and wind_cnt2 0. The code below with
      // that edge as `e` (non-zero fill; wind_cnt * wind_delta > 0): wind_cnt -1 when edge's
      // wind_delta is +1 (reversing), else -1 + wind_delta = -2; wind_cnt2 0, and no edge between
      // them to add.
      edge.wind_cnt = edge.wind_delta > 0 ? -1 : -2;
      edge.wind_cnt2 = 0;
      return;
    }
    if (!e) {
      edge.wind_cnt = edge.wind_delta;
      edge.wind_cnt2 = 0;
      e = active;
    } else if (IsEvenOdd(edge)) {
      edge.wind_cnt = edge.wind_delta;
      edge.wind_cnt2 = e->wind_cnt2;
      e = e->next_in_ael;
    } else {
      if (e->wind_cnt * e->wind_delta < 0) {
        if (std::abs(e->wind_cnt) > 1) {
          if (e->wind_delta * edge.wind_delta < 0) edge.wind_cnt = e->wind_cnt;
          else edge.wind_cnt = e->wind_cnt + edge.wind_delta;
        } else {
          edge.wind_cnt = edge.wind_delta;
        }
      } else {
        if (e->wind_delta * edge.wind_delta < 0) edge.wind_cnt = e->wind_cnt;
        else edge.wind_cnt = e->wind_cnt + edge.wind_delta;
      }
      edge.wind_cnt2 = e->wind_cnt2;
      e = e->next_in_ael;
    }
    if (IsEvenOddAlt(edge)) {
      while (e != &edge) {
        if (e->wind_delta != 0) edge.wind_cnt2 = edge.wind_cnt2 == 0 ? 1 : 0;
        e = e->next_in_ael;
      }
    } else {
      while (e != &edge) {
        edge.wind_cnt2 += e->wind_delta;
        e = e->next_in_ael;
      }
    }
  }

  bool IsContributing(const Edge& edge) const {
    FillRule pft = FillOf(edge);
    FillRule pft2 = AltFillOf(edge);
    switch (pft) {
      case FillRule::kEvenOdd:
        break;
      case FillRule::kNonZero:
        if (std::abs(edge.wind_cnt) != 1) return false;
        break;
      case FillRule::kPositive:
        if (edge.wind_cnt != 1) return false;
        break;
      case FillRule::kNegative:
        if (edge.wind_cnt != -1) return false;
        break;
    }
    auto outside_other = [&]() {
      switch (pft2) {
        case FillRule::kEvenOdd:
        case FillRule::kNonZero:
          return edge.wind_cnt2 == 0;
        case FillRule::kPositive:
          return edge.wind_cnt2 <= 0;
        default:
          return edge.wind_cnt2 >= 0;
      }
    };
    auto inside_other = [&]() {
      switch (pft2) {
        case FillRule::kEvenOdd:
        case FillRule::kNonZero:
          return edge.wind_cnt2 != 0;
        case FillRule::kPositive:
          return edge.wind_cnt2 > 0;
        default:
          return edge.wind_cnt2 < 0;
      }
    };
    switch (clip_op) {
      case ClipOp::kIntersection:
        return inside_other();
      case ClipOp::kUnion:
        return outside_other();
      case ClipOp::kDifference:
        return edge.role == PathRole::kSubject ? outside_other() : inside_other();
      case ClipOp::kXor:
        return true;
    }
    return true;
  }

  // ---- output records -----------------------------------------------------------------
  OutRec* CreateOutRec() {
    OutRec* r = outrecs.Alloc(1);
    r->is_hole = false;
    r->first_left = nullptr;
    r->pts = nullptr;
    r->bottom_pt = nullptr;
    poly_outs.push_back(r);
    r->idx = static_cast<int>(poly_outs.size()) - 1;
    return r;
  }

  OutRec* GetOutRec(int idx) {
    OutRec* r = poly_outs[idx];
    while (r != poly_outs[r->idx]) r = poly_outs[r->idx];
    return r;
  }

  void SetHoleState(Edge* e, OutRec* rec) {
    Edge* e2 = e->prev_in_ael;
    Edge* tmp = nullptr;
    while (e2) {
      if (e2->out_idx >= 0 && e2->wind_delta != 0) {
        if (!tmp) tmp = e2;
        else if (tmp->out_idx == e2->out_idx) tmp = nullptr;
      }
      e2 = e2->prev_in_ael;
    }
    if (!tmp && virtual_frame) {
      // The real run walks on to the frame's left edge (an output edge of record 0, the frame's,
      // which is no hole and has no FirstLeft): that edge becomes tmp.
      rec->first_left = poly_outs[0];
      rec->is_hole = true;
    } else if (!tmp) {
      rec->first_left = nullptr;
      rec->is_hole = false;
    } else {
      rec->first_left = poly_outs[tmp->out_idx];
      rec->is_hole = !rec->first_left->is_hole;
    }
  }

  OutPt* AddOutPt(Edge* e, const Point64& pt) {
    if (e->out_idx < 0) {
      OutRec* rec = CreateOutRec();
      OutPt* op = outpts.Alloc(1);
      rec->pts = op;
      op->idx = rec->idx;
      op->pt = pt;
      op->next = op;
      op->prev = op;
      SetHoleState(e, rec);
      e->out_idx = rec->idx;
      return op;
    }
    OutRec* rec = poly_outs[e->out_idx];
    OutPt* op = rec->pts;
    bool to_front = e->side == Side::kLeft;
    if (to_front && pt == op->pt) return op;
    if (!to_front && pt == op->prev->pt) return op->prev;
    OutPt* np = outpts.Alloc(1);
    np->idx = rec->idx;
    np->pt = pt;
    np->next = op;
    np->prev = op->prev;
    np->prev->next = np;
    op->prev = np;
    if (to_front) rec->pts = np;
    return np;
  }

  OutPt* GetLastOutPt(Edge* e) {
    OutRec* rec = poly_outs[e->out_idx];
    return e->side == Side::kLeft ? rec->pts : rec->pts->prev;
  }

  void AddJoin(OutPt* a, OutPt* b, const Point64& off) {
    joins.push_back(JoinRec{a, b, off});
  }
  void AddGhostJoin(OutPt* a, const Point64& off) { ghost_joins.push_back(JoinRec{a, nullptr, off}); }

  OutPt* AddLocalMinPoly(Edge* e1, Edge* e2, const Point64& pt) {
    OutPt* result;
    Edge* e;
    Edge* prev_e;
    if (IsHorizontal(*e2) || e1->dx > e2->dx) {
      result = AddOutPt(e1, pt);
      e2->out_idx = e1->out_idx;
      e1->side = Side::kLeft;
      e2->side = Side::kRight;
      e = e1;
      prev_e = e->prev_in_ael == e2 ? e2->prev_in_ael : e->prev_in_ael;
    } else {
      result = AddOutPt(e2, pt);
      e1->out_idx = e2->out_idx;
      e1->side = Side::kRight;
      e2->side = Side::kLeft;
      e = e2;
      prev_e = e->prev_in_ael == e1 ? e1->prev_in_ael : e->prev_in_ael;
    }
    if (prev_e && prev_e->out_idx >= 0 && prev_e->top.y < pt.y && e->top.y < pt.y) {
      int64_t x_prev = TopX(*prev_e, pt.y);
      int64_t x_e = TopX(*e, pt.y);
      if (x_prev == x_e && e->wind_delta != 0 && prev_e->wind_delta != 0 &&
          SlopesEqual(Point64{x_prev, pt.y}, prev_e->top, Point64{x_e, pt.y}, e->top)) {
        OutPt* op = AddOutPt(prev_e, pt);
        AddJoin(result, op, e->top);
      }
    }
    return result;
  }

  void AppendPolygon(Edge* e1, Edge* e2) {
    OutRec* r1 = poly_outs[e1->out_idx];
    OutRec* r2 = poly_outs[e2->out_idx];
    OutRec* hole_state;
    if (OutRec1RightOfOutRec2(r1, r2)) hole_state = r2;
    else if (OutRec1RightOfOutRec2(r2, r1)) hole_state = r1;
    else hole_state = GetLowermostRec(r1, r2);

    OutPt* p1_lft = r1->pts;
    OutPt* p1_rt = p1_lft->prev;
    OutPt* p2_lft = r2->pts;
    OutPt* p2_rt = p2_lft->prev;
    if (e1->side == Side::kLeft) {
      if (e2->side == Side::kLeft) {
        ReversePolyPtLinks(p2_lft);
        p2_lft->next = p1_lft;
        p1_lft->prev = p2_lft;
        p1_rt->next = p2_rt;
        p2_rt->prev = p1_rt;
        r1->pts = p2_rt;
      } else {
        p2_rt->next = p1_lft;
        p1_lft->prev = p2_rt;
        p2_lft->prev = p1_rt;
        p1_rt->next = p2_lft;
        r1->pts = p2_lft;
      }
    } else {
      if (e2->side == Side::kRight) {
        ReversePolyPtLinks(p2_lft);
        p1_rt->next = p2_rt;
        p2_rt->prev = p1_rt;
        p2_lft->next = p1_lft;
        p1_lft->prev = p2_lft;
      } else {
        p1_rt->next = p2_lft;
        p2_lft->prev = p1_rt;
        p1_lft->prev = p2_rt;
        p2_rt->next = p1_lft;
      }
    }
    r1->bottom_pt = nullptr;
    if (hole_state == r2) {
      if (r2->first_left != r1) r1->first_left = r2->first_left;
      r1->is_hole = r2->is_hole;
    }
    r2->pts = nullptr;
    r2->bottom_pt = nullptr;
    r2->first_left = r1;

    int ok_idx = e1->out_idx;
    int obsolete_idx = e2->out_idx;
    e1->out_idx = kUnassigned;
    e2->out_idx = kUnassigned;
    for (Edge* e = active; e; e = e->next_in_ael) {
      if (e->out_idx == obsolete_idx) {
        e->out_idx = ok_idx;
        e->side = e1->side;
        break;
      }
    }
    r2->idx = r1->idx;
  }

  void AddLocalMaxPoly(Edge* e1, Edge* e2, const Point64& pt) {
    AddOutPt(e1, pt);
    if (e1->out_idx == e2->out_idx) {
      e1->out_idx = kUnassigned;
      e2->out_idx = kUnassigned;
    } else if (e1->out_idx < e2->out_idx) {
      AppendPolygon(e1, e2);
    } else {
      AppendPolygon(e2, e1);
    }
  }

  static void SwapSides(Edge& a, Edge& b) { std::swap(a.side, b.side); }
  static void SwapPolyIndexes(Edge& a, Edge& b) { std::swap(a.out_idx, b.out_idx); }

  void IntersectEdges(Edge* e1, Edge* e2, const Point64& pt) {
    bool e1c = e1->out_idx >= 0;
    bool e2c = e2->out_idx >= 0;
    if (e1->role == e2->role) {
      if (IsEvenOdd(*e1)) {
        std::swap(e1->wind_cnt, e2->wind_cnt);
      } else {
        if (e1->wind_cnt + e2->wind_delta == 0) e1->wind_cnt = -e1->wind_cnt;
        else e1->wind_cnt += e2->wind_delta;
        if (e2->wind_cnt - e1->wind_delta == 0) e2->wind_cnt = -e2->wind_cnt;
        else e2->wind_cnt -= e1->wind_delta;
      }
    } else {
      if (!IsEvenOdd(*e2)) e1->wind_cnt2 += e2->wind_delta;
      else e1->wind_cnt2 = e1->wind_cnt2 == 0 ? 1 : 0;
      if (!IsEvenOdd(*e1)) e2->wind_cnt2 -= e1->wind_delta;
      else e2->wind_cnt2 = e2->wind_cnt2 == 0 ? 1 : 0;
    }
    auto wc = [](FillRule f, int v) -> int64_t {
      switch (f) {
        case FillRule::kPositive:
          return v;
        case FillRule::kNegative:
          return -static_cast<int64_t>(v);
        default:
          return std::abs(static_cast<int64_t>(v));
      }
    };
    int64_t e1wc = wc(FillOf(*e1), e1->wind_cnt);
    int64_t e2wc = wc(FillOf(*e2), e2->wind_cnt);
    if (e1c && e2c) {
      if ((e1wc != 0 && e1wc != 1) || (e2wc != 0 && e2wc != 1) || (e1->role != e2->role && clip_op != ClipOp::kXor)) {
        AddLocalMaxPoly(e1, e2, pt);
      } else {
        AddOutPt(e1, pt);
        AddOutPt(e2, pt);
        SwapSides(*e1, *e2);
        SwapPolyIndexes(*e1, *e2);
      }
    } else if (e1c) {
      if (e2wc == 0 || e2wc == 1) {
        AddOutPt(e1, pt);
        SwapSides(*e1, *e2);
        SwapPolyIndexes(*e1, *e2);
      }
    } else if (e2c) {
      if (e1wc == 0 || e1wc == 1) {
        AddOutPt(e2, pt);
        SwapSides(*e1, *e2);
        SwapPolyIndexes(*e1, *e2);
      }
    } else if ((e1wc == 0 || e1wc == 1) && (e2wc == 0 || e2wc == 1)) {
      int64_t e1wc2 = wc(AltFillOf(*e1), e1->wind_cnt2);
      int64_t e2wc2 = wc(AltFillOf(*e2), e2->wind_cnt2);
      if (e1->role != e2->role) {
        AddLocalMinPoly(e1, e2, pt);
      } else if (e1wc == 1 && e2wc == 1) {
        switch (clip_op) {
          case ClipOp::kIntersection:
            if (e1wc2 > 0 && e2wc2 > 0) AddLocalMinPoly(e1, e2, pt);
            break;
          case ClipOp::kUnion:
            if (e1wc2 <= 0 && e2wc2 <= 0) AddLocalMinPoly(e1, e2, pt);
            break;
          case ClipOp::kDifference:
            if ((e1->role == PathRole::kClip && e1wc2 > 0 && e2wc2 > 0) ||
                (e1->role == PathRole::kSubject && e1wc2 <= 0 && e2wc2 <= 0))
              AddLocalMinPoly(e1, e2, pt);
            break;
          case ClipOp::kXor:
            AddLocalMinPoly(e1, e2, pt);
            break;
        }
      } else {
        SwapSides(*e1, *e2);
      }
    }
  }

  // ---- sweep steps ----------------------------------------------------------------------
  void InsertLocalMinimaIntoAEL(int64_t bot_y) {
    const LocalMin* lm;
    while (PopLocalMinima(bot_y, lm)) {
      Edge* lb = lm->left;
      Edge* rb = lm->right;
      OutPt* op1 = nullptr;
      InsertEdgeIntoAEL(lb, nullptr);
      InsertEdgeIntoAEL(rb, lb);
      SetWindingCount(*lb);
      rb->wind_cnt = lb->wind_cnt;
      rb->wind_cnt2 = lb->wind_cnt2;
      if (IsContributing(*lb)) op1 = AddLocalMinPoly(lb, rb, lb->bot);
      InsertScanbeam(lb->top.y);
      if (IsHorizontal(*rb)) {
        AddEdgeToSEL(rb);
        if (rb->next_in_lml) InsertScanbeam(rb->next_in_lml->top.y);
      } else {
        InsertScanbeam(rb->top.y);
      }
      if (op1 && IsHorizontal(*rb) && !ghost_joins.empty() && rb->wind_delta != 0) {
        for (size_t i = 0; i < ghost_joins.size(); ++i) {
          const JoinRec& jr = ghost_joins[i];
          if (HorzSegmentsOverlap(jr.op1->pt.x, jr.off.x, rb->bot.x, rb->top.x)) AddJoin(jr.op1, op1, jr.off);
        }
      }
      if (lb->out_idx >= 0 && lb->prev_in_ael && lb->prev_in_ael->curr.x == lb->bot.x &&
          lb->prev_in_ael->out_idx >= 0 &&
          SlopesEqual(opt.js_compat ? lb->prev_in_ael->curr : lb->prev_in_ael->bot, lb->prev_in_ael->top, lb->curr,
                      lb->top) &&
          lb->wind_delta != 0 &&
          lb->prev_in_ael->wind_delta != 0) {
        OutPt* op2 = AddOutPt(lb->prev_in_ael, lb->bot);
        AddJoin(op1, op2, lb->top);
      }
      if (lb->next_in_ael != rb) {
        if (rb->out_idx >= 0 && rb->prev_in_ael->out_idx >= 0 &&
            SlopesEqual(rb->prev_in_ael->curr, rb->prev_in_ael->top, rb->curr, rb->top) && rb->wind_delta != 0 &&
            rb->prev_in_ael->wind_delta != 0) {
          OutPt* op2 = AddOutPt(rb->prev_in_ael, rb->bot);
          AddJoin(op1, op2, rb->top);
        }
        Edge* e = lb->next_in_ael;
        if (e) {
          while (e != rb) {
            IntersectEdges(rb, e, lb->curr);
            e = e->next_in_ael;
          }
        }
      }
    }
  }

  void ProcessHorizontal(Edge* horz) {
    Dir dir;
    int64_t horz_left, horz_right;
    GetHorzDirection(*horz, dir, horz_left, horz_right);
    Edge* last_horz = horz;
    Edge* max_pair = nullptr;
    while (last_horz->next_in_lml && IsHorizontal(*last_horz->next_in_lml)) last_horz = last_horz->next_in_lml;
    if (!last_horz->next_in_lml) max_pair = GetMaximaPair(last_horz);
    OutPt* op1 = nullptr;
    for (;;) {
      bool is_last_horz = horz == last_horz;
      Edge* e = GetNextInAEL(horz, dir);
      while (e) {
        if ((dir == Dir::kLeftToRight && e->curr.x > horz_right) || (dir == Dir::kRightToLeft && e->curr.x < horz_left))
          break;
        if (e->curr.x == horz->top.x && horz->next_in_lml && e->dx < horz->next_in_lml->dx) break;
        if (horz->out_idx >= 0) {
          op1 = AddOutPt(horz, e->curr);
          for (Edge* nh = sorted; nh; nh = nh->next_in_sel) {
            if (nh->out_idx >= 0 && HorzSegmentsOverlap(horz->bot.x, horz->top.x, nh->bot.x, nh->top.x)) {
              OutPt* op2 = GetLastOutPt(nh);
              AddJoin(op2, op1, nh->top);
            }
          }
          AddGhostJoin(op1, horz->bot);
        }
        if (e == max_pair && is_last_horz) {
          if (horz->out_idx >= 0) AddLocalMaxPoly(horz, max_pair, horz->top);
          DeleteFromAEL(horz);
          DeleteFromAEL(max_pair);
          return;
        }
        Point64 pt{e->curr.x, horz->curr.y};
        if (dir == Dir::kLeftToRight) IntersectEdges(horz, e, pt);
        else IntersectEdges(e, horz, pt);
        Edge* e_next = GetNextInAEL(e, dir);
        SwapPositionsInAEL(horz, e);
        e = e_next;
      }
      if (!horz->next_in_lml || !IsHorizontal(*horz->next_in_lml)) break;
      UpdateEdgeIntoAEL(horz);
      if (horz->out_idx >= 0) AddOutPt(horz, horz->bot);
      GetHorzDirection(*horz, dir, horz_left, horz_right);
    }
    if (horz->out_idx >= 0 && !op1) {
      op1 = GetLastOutPt(horz);
      for (Edge* nh = sorted; nh; nh = nh->next_in_sel) {
        if (nh->out_idx >= 0 && HorzSegmentsOverlap(horz->bot.x, horz->top.x, nh->bot.x, nh->top.x)) {
          OutPt* op2 = GetLastOutPt(nh);
          AddJoin(op2, op1, nh->top);
        }
      }
      AddGhostJoin(op1, horz->top);
    }
    if (horz->next_in_lml) {
      if (horz->out_idx >= 0) {
        op1 = AddOutPt(horz, horz->top);
        UpdateEdgeIntoAEL(horz);
        if (horz->wind_delta == 0) return;
        Edge* e_prev = horz->prev_in_ael;
        Edge* e_next = horz->next_in_ael;
        if (e_prev && e_prev->curr.x == horz->bot.x && e_prev->curr.y == horz->bot.y && e_prev->wind_delta != 0 &&
            e_prev->out_idx >= 0 && e_prev->curr.y > e_prev->top.y && SlopesEqual(*horz, *e_prev)) {
          OutPt* op2 = AddOutPt(e_prev, horz->bot);
          AddJoin(op1, op2, horz->top);
        } else if (e_next && e_next->curr.x == horz->bot.x && e_next->curr.y == horz->bot.y &&
                   e_next->wind_delta != 0 && e_next->out_idx >= 0 && e_next->curr.y > e_next->top.y &&
                   SlopesEqual(*horz, *e_next)) {
          OutPt* op2 = AddOutPt(e_next, horz->bot);
          AddJoin(op1, op2, horz->top);
        }
      } else {
        UpdateEdgeIntoAEL(horz);
      }
    } else {
      if (horz->out_idx >= 0) AddOutPt(horz, horz->top);
      DeleteFromAEL(horz);
    }
  }

  void ProcessHorizontals() {
    Edge* h;
    while (PopEdgeFromSEL(h)) ProcessHorizontal(h);
  }

  void IntersectPoint(const Edge& e1, const Edge& e2, Point64& ip) const {
    double b1, b2;
    if (e1.dx == e2.dx) {
      ip.y = e1.curr.y;
      ip.x = TopX(e1, ip.y);
      return;
    }
    if (e1.delta.x == 0) {
      ip.x = e1.bot.x;
      if (IsHorizontal(e2)) {
        ip.y = e2.bot.y;
      } else {
        b2 = static_cast<double>(e2.bot.y) - (static_cast<double>(e2.bot.x) / e2.dx);
        ip.y = RoundHalfAway(static_cast<double>(ip.x) / e2.dx + b2);
      }
    } else if (e2.delta.x == 0) {
      ip.x = e2.bot.x;
      if (IsHorizontal(e1)) {
        ip.y = e1.bot.y;
      } else {
        b1 = static_cast<double>(e1.bot.y) - (static_cast<double>(e1.bot.x) / e1.dx);
        ip.y = RoundHalfAway(static_cast<double>(ip.x) / e1.dx + b1);
      }
    } else {
      b1 = static_cast<double>(e1.bot.x) - static_cast<double>(e1.bot.y) * e1.dx;
      b2 = static_cast<double>(e2.bot.x) - static_cast<double>(e2.bot.y) * e2.dx;
      double q = (b2 - b1) / (e1.dx - e2.dx);
      ip.y = RoundHalfAway(q);
      if (std::fabs(e1.dx) < std::fabs(e2.dx)) ip.x = RoundHalfAway(e1.dx * q + b1);
      else ip.x = RoundHalfAway(e2.dx * q + b2);
    }
    if (ip.y < e1.top.y || ip.y < e2.top.y) {
      if (e1.top.y > e2.top.y) {
        ip.y = e1.top.y;
        if (opt.js_compat) {
          ip.x = TopX(e2, e1.top.y);
          return;
        }
      } else {
        ip.y = e2.top.y;
      }
      if (std::fabs(e1.dx) < std::fabs(e2.dx)) ip.x = TopX(e1, ip.y);
      else ip.x = TopX(e2, ip.y);
    }
    if (ip.y > e1.curr.y) {
      ip.y = e1.curr.y;
      if (std::fabs(e1.dx) > std::fabs(e2.dx)) ip.x = TopX(e2, ip.y);
      else ip.x = TopX(e1, ip.y);
    }
  }

  // Clipper2's crossing: segment intersection truncated to integers, then kept inside the scanbeam
  // [top_y, bot_y] (bot_y = the edges' current y).
  static void IntersectPoint2(const Edge& e1, const Edge& e2, int64_t top_y, Point64& ip) {
    const int64_t bot_y = e1.curr.y;
    const double dx1 = static_cast<double>(e1.top.x - e1.bot.x), dy1 = static_cast<double>(e1.top.y - e1.bot.y);
    const double dx2 = static_cast<double>(e2.top.x - e2.bot.x), dy2 = static_cast<double>(e2.top.y - e2.bot.y);
    const double det = dy1 * dx2 - dy2 * dx1;
    if (det == 0.0) {
      ip = Point64{e1.curr.x, top_y};
    } else {
      const double t = (static_cast<double>(e1.bot.x - e2.bot.x) * dy2 - static_cast<double>(e1.bot.y - e2.bot.y) * dx2) / det;
      if (t <= 0.0) ip = e1.bot;
      else if (t >= 1.0) ip = e1.top;
      else ip = Point64{static_cast<int64_t>(static_cast<double>(e1.bot.x) + t * dx1),
                        static_cast<int64_t>(static_cast<double>(e1.bot.y) + t * dy1)};  // truncation, as Clipper2
    }
    if (ip.y > bot_y || ip.y < top_y) {
      ip.y = ip.y < top_y ? top_y : bot_y;
      ip.x = std::fabs(e1.dx) < std::fabs(e2.dx) ? TopX(e1, ip.y) : TopX(e2, ip.y);
    }
  }

  // Returns whether the active edges are still in x order at top_y (no crossing in this beam).
  // (Inlined into the sweep loop: called once per scanbeam; the rare crossing case is out of line.)
  __attribute__((always_inline)) bool BuildIntersectList(int64_t top_y, int64_t bot_y) {
    // First pass: each edge's position at the beam top, (TopX(e, top_y), top_y), and the list of
    // the edges that end there. Already in order (the usual case) means no crossing in this beam:
    // the bubble sort below would find no inversion and build nothing. (The SEL it would leave
    // behind is never read: `sorted` is null again at its end, and each later use of the SEL
    // rebuilds the links from scratch.) Setting curr.y here is what ProcessEdgesAtTopOfScanbeam's
    // first walk did for every edge that stays (the others leave the AEL or are replaced); nothing
    // between reads it when the edges are in order. Otherwise the crossings are computed first,
    // from the edges' bottom y (every active edge is at bot_y when a beam starts), so curr.y goes
    // back to bot_y below, and ProcessIntersections sets it again afterwards.
    bool in_order = true;
    int64_t last_x = INT64_MIN;
    if (small_coords) {
      // Branch-free form (the "does this edge end here" test was the sweep's most mispredicted
      // branch). With |coordinates| <= kSmallCoord, the rounded formula gives exactly top.x at
      // the edge's own top: dx * (top.y - bot.y) is within |delta.x| * 2^-51 < 2^-20 of the
      // integer delta.x (two roundings), and rounding half away from zero takes it there. So
      // every edge's x comes from the formula, and the ending edges are listed by advancing the
      // list's end by the comparison.
      size_t nt = 0;
      for (Edge* a = active; a; a = a->next_in_ael) {
#ifdef OPK_ENGINE_CHECKS
        if (a->curr.y != bot_y || IsHorizontal(*a)) std::abort();
#endif
        const double v = a->dx * static_cast<double>(top_y - a->bot.y);
        const int64_t x = a->bot.x + static_cast<int64_t>(v + std::copysign(0.5, v));
#ifdef OPK_ENGINE_CHECKS
        if (a->top.y == top_y && x != a->top.x) std::abort();
#endif
        tops[nt] = a;
        nt += a->top.y == top_y;
        a->curr.x = x;
        a->curr.y = top_y;
        in_order &= x >= last_x;
        last_x = x;
      }
      n_tops = nt;
    } else {
      // Larger coordinates: the formula's value at an edge's top may be off by the roundings,
      // so the ending edges take top.x, and RoundHalfAway keeps its overflow test.
      for (Edge* a = active; a; a = a->next_in_ael) {
#ifdef OPK_ENGINE_CHECKS
        if (a->curr.y != bot_y || IsHorizontal(*a)) std::abort();
#endif
        int64_t x;
        if (a->top.y == top_y) {
          x = a->top.x;
          tops[n_tops++] = a;
        } else {
          x = a->bot.x + RoundHalfAway(a->dx * static_cast<double>(top_y - a->bot.y));
        }
        a->curr.x = x;
        a->curr.y = top_y;
        in_order &= x >= last_x;
        last_x = x;
      }
    }
    if (in_order) {
      sorted = nullptr;
      return true;
    }
    BuildCrossings(top_y, bot_y);
    return false;
  }

  // BuildIntersectList's crossings: Clipper's bubble sort of the SEL by x at top_y, recording each
  // swap as an intersection.
  __attribute__((noinline)) void BuildCrossings(int64_t top_y, int64_t bot_y) {
    // The usual case: one pair of AEL neighbours out of order at top_y, and every pair in order
    // once those two are swapped. The bubble sort below then records exactly that pair (its first
    // pass swaps it and finds no other inversion, its second pass none) and leaves nothing else
    // that is read later (`sorted` null, stale SEL links, as when no edge crosses).
    Edge* inverted = nullptr;
    int inversions = 0;
    for (Edge* a = active; a->next_in_ael; a = a->next_in_ael) {
      if (a->curr.x > a->next_in_ael->curr.x) {
        ++inversions;
        inverted = a;
      }
    }
    if (inversions == 1) {
      Edge* const q = inverted->next_in_ael;
      const Edge* const before = inverted->prev_in_ael;
      const Edge* const after = q->next_in_ael;
      if ((!before || before->curr.x <= q->curr.x) && (!after || inverted->curr.x <= after->curr.x)) {
        inverted->curr.y = bot_y;  // the crossing is computed from the edges' bottom (see above)
        intersects.push_back(IntersectNode{inverted, q, CrossingAt(*inverted, *q, top_y)});
        sorted = nullptr;
        return;
      }
    }
    Edge* e = active;
    sorted = e;
    while (e) {
      e->curr.y = bot_y;
      e->prev_in_sel = e->prev_in_ael;
      e->next_in_sel = e->next_in_ael;
      e = e->next_in_ael;
    }
    bool modified;
    do {
      modified = false;
      e = sorted;
      while (e->next_in_sel) {
        Edge* en = e->next_in_sel;
        if (e->curr.x > en->curr.x) {
          intersects.push_back(IntersectNode{e, en, CrossingAt(*e, *en, top_y)});
          SwapPositionsInSEL(e, en);
          modified = true;
        } else {
          e = en;
        }
      }
      if (e->prev_in_sel) e->prev_in_sel->next_in_sel = nullptr;
      else break;
    } while (modified);
    sorted = nullptr;
  }

  // Where e (left of en at the beam's bottom, its curr.y) crosses en within the beam.
  Point64 CrossingAt(const Edge& e, const Edge& en, int64_t top_y) const {
    Point64 pt;
    if (opt.clipper2_intersections) {
      IntersectPoint2(e, en, top_y, pt);
    } else {
      IntersectPoint(e, en, pt);
      if (pt.y < top_y) pt = Point64{TopX(e, top_y), top_y};
    }
    return pt;
  }

  static bool EdgesAdjacent(const IntersectNode& n) {
    return n.e1->next_in_sel == n.e2 || n.e1->prev_in_sel == n.e2;
  }

  bool FixupIntersectionOrder() {
    CopyAELToSEL();
    if (opt.js_compat) {
      std::stable_sort(intersects.begin(), intersects.end(),
                       [](const IntersectNode& a, const IntersectNode& b) { return b.pt.y < a.pt.y; });
    } else {
      std::sort(intersects.begin(), intersects.end(),
                [](const IntersectNode& a, const IntersectNode& b) { return b.pt.y < a.pt.y; });
    }
    size_t cnt = intersects.size();
    for (size_t i = 0; i < cnt; ++i) {
      if (!EdgesAdjacent(intersects[i])) {
        size_t j = i + 1;
        while (j < cnt && !EdgesAdjacent(intersects[j])) ++j;
        if (j == cnt) return false;
        std::swap(intersects[i], intersects[j]);
      }
      SwapPositionsInSEL(intersects[i].e1, intersects[i].e2);
    }
    return true;
  }

  void ProcessIntersectList() {
    for (const IntersectNode& n : intersects) {
      IntersectEdges(n.e1, n.e2, n.pt);
      SwapPositionsInAEL(n.e1, n.e2);
    }
    intersects.clear();
  }

  // Also leaves every active edge at (TopX(e, top_y), top_y) and `tops` listing the edges that
  // end at top_y, in AEL order.
  bool ProcessIntersections(int64_t top_y, int64_t bot_y) {
    n_tops = 0;
    if (!active) return true;
    if (BuildIntersectList(top_y, bot_y)) return true;
    size_t n = intersects.size();
    if (n == 1 || FixupIntersectionOrder()) {
      ProcessIntersectList();
    } else {
      intersects.clear();
      return false;
    }
    sorted = nullptr;
    // The crossings reordered the AEL: list the ending edges again, in the new order.
    n_tops = 0;
    for (Edge* a = active; a; a = a->next_in_ael) {
      a->curr.y = top_y;
      if (a->top.y == top_y) tops[n_tops++] = a;
    }
    return true;
  }

  bool InAEL(const Edge* e) const { return e->prev_in_ael != nullptr || e == active; }

  void DoMaxima(Edge* e) {
    Edge* max_pair = GetMaximaPairEx(e);
    if (!max_pair) {
      if (e->out_idx >= 0) AddOutPt(e, e->top);
      DeleteFromAEL(e);
      return;
    }
    Edge* en = e->next_in_ael;
    while (en && en != max_pair) {
      IntersectEdges(e, en, e->top);
      SwapPositionsInAEL(e, en);
      en = e->next_in_ael;
    }
    if (e->out_idx == kUnassigned && max_pair->out_idx == kUnassigned) {
      DeleteFromAEL(e);
      DeleteFromAEL(max_pair);
    } else if (e->out_idx >= 0 && max_pair->out_idx >= 0) {
      AddLocalMaxPoly(e, max_pair, e->top);
      DeleteFromAEL(e);
      DeleteFromAEL(max_pair);
    } else {
      // Clipper throws "DoMaxima error" here; only reachable with open paths.
      DeleteFromAEL(e);
      DeleteFromAEL(max_pair);
    }
  }

  // Clipper walks the whole AEL twice here; only the edges that end at top_y (`tops`, in AEL
  // order, from ProcessIntersections) do anything, the others were already moved to top_y. Its
  // first walk continues after a maxima pair's removal from the edge before the pair's first
  // edge, i.e. with the edges that followed in AEL order: the next entries of `tops` that are
  // still active (a pair's second edge is an entry that no longer is). The horizontals between
  // the walks move only themselves within the AEL, and what they leave behind does not end at
  // top_y (a non-horizontal edge starting at top_y), so the second walk is `tops` again.
  void ProcessEdgesAtTopOfScanbeam(int64_t top_y) {
    Edge** const t = tops.data();
    const size_t nt = n_tops;
    for (size_t i = 0; i < nt; ++i) {
      Edge* e = t[i];
      if (!InAEL(e)) continue;
#ifdef OPK_ENGINE_CHECKS
      if (e->top.y != top_y || e->curr.y != top_y || e->curr.x != TopX(*e, top_y)) std::abort();
#endif
      bool is_max = !e->next_in_lml;
      if (is_max) {
        Edge* mp = GetMaximaPairEx(e);
        is_max = !mp || !IsHorizontal(*mp);
      }
      if (is_max) {
        DoMaxima(e);
      } else if (e->next_in_lml && IsHorizontal(*e->next_in_lml)) {
        UpdateEdgeIntoAEL(e);
        if (e->out_idx >= 0) AddOutPt(e, e->bot);
        AddEdgeToSEL(e);
      }
    }
    if (sorted) ProcessHorizontals();
#ifdef OPK_ENGINE_CHECKS
    for (Edge* a = active; a; a = a->next_in_ael) {
      if (a->curr.y != top_y) std::abort();
      if (a->top.y == top_y && a->next_in_lml && std::find(t, t + nt, a) == t + nt) std::abort();
    }
#endif
    for (size_t i = 0; i < nt; ++i) {
      Edge* e = t[i];
      if (!e->next_in_lml || !InAEL(e)) continue;
      OutPt* op = nullptr;
      if (e->out_idx >= 0) op = AddOutPt(e, e->top);
      UpdateEdgeIntoAEL(e);
      Edge* ep = e->prev_in_ael;
      Edge* en = e->next_in_ael;
      // clipper-lib tests `curr.y == top.y` here (a porting slip; C++ 6.4.2 has `>`).
      auto above = [this](const Edge* x) { return opt.js_compat ? x->curr.y == x->top.y : x->curr.y > x->top.y; };
      if (ep && ep->curr.x == e->bot.x && ep->curr.y == e->bot.y && op && ep->out_idx >= 0 && above(ep) &&
          SlopesEqual(e->curr, e->top, ep->curr, ep->top) && e->wind_delta != 0 && ep->wind_delta != 0) {
        OutPt* op2 = AddOutPt(ep, e->bot);
        AddJoin(op, op2, e->top);
      } else if (en && en->curr.x == e->bot.x && en->curr.y == e->bot.y && op && en->out_idx >= 0 && above(en) &&
                 SlopesEqual(e->curr, e->top, en->curr, en->top) && e->wind_delta != 0 && en->wind_delta != 0) {
        OutPt* op2 = AddOutPt(en, e->bot);
        AddJoin(op, op2, e->top);
      }
    }
  }

  // ---- joins & cleanup -------------------------------------------------------------------
  bool JoinPoints(JoinRec& j, OutRec* r1, OutRec* r2) {
    OutPt* op1 = j.op1;
    OutPt* op2 = j.op2;
    OutPt* op1b;
    OutPt* op2b;
    bool is_horizontal = j.op1->pt.y == j.off.y;
    if (is_horizontal && j.off == j.op1->pt && j.off == j.op2->pt) {
      if (r1 != r2) return false;
      op1b = j.op1->next;
      while (op1b != op1 && op1b->pt == j.off) op1b = op1b->next;
      bool reverse1 = op1b->pt.y > j.off.y;
      op2b = j.op2->next;
      while (op2b != op2 && op2b->pt == j.off) op2b = op2b->next;
      bool reverse2 = op2b->pt.y > j.off.y;
      if (reverse1 == reverse2) return false;
      return Splice(j, op1, op2, reverse1);
    }
    if (is_horizontal) {
      op1b = op1;
      while (op1->prev->pt.y == op1->pt.y && op1->prev != op1b && op1->prev != op2) op1 = op1->prev;
      while (op1b->next->pt.y == op1b->pt.y && op1b->next != op1 && op1b->next != op2) op1b = op1b->next;
      if (op1b->next == op1 || op1b->next == op2) return false;
      op2b = op2;
      while (op2->prev->pt.y == op2->pt.y && op2->prev != op2b && op2->prev != op1b) op2 = op2->prev;
      while (op2b->next->pt.y == op2b->pt.y && op2b->next != op2 && op2b->next != op1) op2b = op2b->next;
      if (op2b->next == op2 || op2b->next == op1) return false;
      int64_t left, right;
      if (!GetOverlap(op1->pt.x, op1b->pt.x, op2->pt.x, op2b->pt.x, left, right)) return false;
      Point64 pt;
      bool discard_left;
      if (op1->pt.x >= left && op1->pt.x <= right) {
        pt = op1->pt;
        discard_left = op1->pt.x > op1b->pt.x;
      } else if (op2->pt.x >= left && op2->pt.x <= right) {
        pt = op2->pt;
        discard_left = op2->pt.x > op2b->pt.x;
      } else if (op1b->pt.x >= left && op1b->pt.x <= right) {
        pt = op1b->pt;
        discard_left = op1b->pt.x > op1->pt.x;
      } else {
        pt = op2b->pt;
        discard_left = op2b->pt.x > op2->pt.x;
      }
      j.op1 = op1;
      j.op2 = op2;
      return JoinHorz(outpts, op1, op1b, op2, op2b, pt, discard_left);
    }
    op1b = op1->next;
    while (op1b->pt == op1->pt && op1b != op1) op1b = op1b->next;
    bool reverse1 = op1b->pt.y > op1->pt.y || !SlopesEqual(op1->pt, op1b->pt, j.off);
    if (reverse1) {
      op1b = op1->prev;
      while (op1b->pt == op1->pt && op1b != op1) op1b = op1b->prev;
      if (op1b->pt.y > op1->pt.y || !SlopesEqual(op1->pt, op1b->pt, j.off)) return false;
    }
    op2b = op2->next;
    while (op2b->pt == op2->pt && op2b != op2) op2b = op2b->next;
    bool reverse2 = op2b->pt.y > op2->pt.y || !SlopesEqual(op2->pt, op2b->pt, j.off);
    if (reverse2) {
      op2b = op2->prev;
      while (op2b->pt == op2->pt && op2b != op2) op2b = op2b->prev;
      if (op2b->pt.y > op2->pt.y || !SlopesEqual(op2->pt, op2b->pt, j.off)) return false;
    }
    if (op1b == op1 || op2b == op2 || op1b == op2b || (r1 == r2 && reverse1 == reverse2)) return false;
    return Splice(j, op1, op2, reverse1);
  }

  bool Splice(JoinRec& j, OutPt* op1, OutPt* op2, bool reverse1) {
    OutPt* op1b;
    OutPt* op2b;
    if (reverse1) {
      op1b = DupOutPt(outpts, op1, false);
      op2b = DupOutPt(outpts, op2, true);
      op1->prev = op2;
      op2->next = op1;
      op1b->next = op2b;
      op2b->prev = op1b;
    } else {
      op1b = DupOutPt(outpts, op1, true);
      op2b = DupOutPt(outpts, op2, false);
      op1->next = op2;
      op2->prev = op1;
      op1b->prev = op2b;
      op2b->next = op1b;
    }
    j.op1 = op1;
    j.op2 = op1b;
    return true;
  }

  static void UpdateOutPtIdxs(OutRec& rec) {
    OutPt* op = rec.pts;
    do {
      op->idx = rec.idx;
      op = op->prev;
    } while (op != rec.pts);
  }

  void JoinCommonEdges() {
    bool rev = opt.reverse_solution;
    for (size_t i = 0; i < joins.size(); ++i) {
      JoinRec& jn = joins[i];
      OutRec* r1 = GetOutRec(jn.op1->idx);
      OutRec* r2 = GetOutRec(jn.op2->idx);
      if (!r1->pts || !r2->pts) continue;
      OutRec* hole_state;
      if (r1 == r2) hole_state = r1;
      else if (OutRec1RightOfOutRec2(r1, r2)) hole_state = r2;
      else if (OutRec1RightOfOutRec2(r2, r1)) hole_state = r1;
      else hole_state = GetLowermostRec(r1, r2);
      if (!JoinPoints(jn, r1, r2)) continue;
      if (r1 == r2) {
        r1->pts = jn.op1;
        r1->bottom_pt = nullptr;
        r2 = CreateOutRec();
        r2->pts = jn.op2;
        UpdateOutPtIdxs(*r2);
        if (Poly2ContainsPoly1(r2->pts, r1->pts)) {
          r2->is_hole = !r1->is_hole;
          r2->first_left = r1;
          if ((r2->is_hole ^ rev) == (AreaOf(r2->pts) > 0)) ReversePolyPtLinks(r2->pts);
        } else if (Poly2ContainsPoly1(r1->pts, r2->pts)) {
          r2->is_hole = r1->is_hole;
          r1->is_hole = !r2->is_hole;
          r2->first_left = r1->first_left;
          r1->first_left = r2;
          if ((r1->is_hole ^ rev) == (AreaOf(r1->pts) > 0)) ReversePolyPtLinks(r1->pts);
        } else {
          r2->is_hole = r1->is_hole;
          r2->first_left = r1->first_left;
        }
      } else {
        r2->pts = nullptr;
        r2->bottom_pt = nullptr;
        r2->idx = r1->idx;
        r1->is_hole = hole_state->is_hole;
        if (hole_state == r2) r1->first_left = r2->first_left;
        r2->first_left = r1;
      }
    }
  }

  void FixupOutPolygon(OutRec& rec) {
    OutPt* last_ok = nullptr;
    rec.bottom_pt = nullptr;
    OutPt* pp = rec.pts;
    bool preserve = opt.preserve_collinear;
    for (;;) {
      if (pp->prev == pp || pp->prev == pp->next) {
        rec.pts = nullptr;
        return;
      }
      if (pp->pt == pp->next->pt || pp->pt == pp->prev->pt ||
          ((small_coords ? SlopesEqualSmall(pp->prev->pt, pp->pt, pp->next->pt)
                         : SlopesEqual(pp->prev->pt, pp->pt, pp->next->pt)) &&
           (!preserve || !Pt2IsBetweenPt1AndPt3(pp->prev->pt, pp->pt, pp->next->pt)))) {
        last_ok = nullptr;
        pp->prev->next = pp->next;
        pp->next->prev = pp->prev;
        pp = pp->prev;
      } else if (pp == last_ok) {
        break;
      } else {
        if (!last_ok) last_ok = pp;
        pp = pp->next;
      }
    }
    rec.pts = pp;
  }

  bool ExecuteInternal() {
    Reset();
    // The virtual frame's output record: created first, as the frame's is in the real run (its
    // local minimum is the first one swept); no points, so no output path.
    if (virtual_frame) CreateOutRec();
    int64_t bot_y = 0, top_y = 0;
    if (!PopScanbeam(bot_y)) return true;  // no paths: empty result (Clipper returns false here)
    InsertLocalMinimaIntoAEL(bot_y);
    for (;;) {
      if (!PopScanbeam(top_y)) {
        if (!LocalMinimaPending()) break;
        // Clipper's loop (`while (PopScanbeam(topY) || LocalMinimaPending())`) would spin here
        // forever: every minimum at bot_y is in the AEL already, so the next one's y was never a
        // scanbeam. BuildBeams always includes it; should that ever fail, the sweep fails instead
        // of hanging.
#ifdef OPK_ENGINE_CHECKS
        std::abort();
#endif
        return false;
      }
      if (sorted) ProcessHorizontals();
      ghost_joins.clear();
      if (!ProcessIntersections(top_y, bot_y)) return false;
      ProcessEdgesAtTopOfScanbeam(top_y);
      bot_y = top_y;
      if (current_lm < n_minima && minima[current_lm].y == bot_y) InsertLocalMinimaIntoAEL(bot_y);
    }
    for (OutRec* rec : poly_outs) {
      if (!rec->pts) continue;
      if ((rec->is_hole ^ opt.reverse_solution) == (AreaOf(rec->pts) > 0)) ReversePolyPtLinks(rec->pts);
    }
    if (!joins.empty()) JoinCommonEdges();
    for (OutRec* rec : poly_outs) {
      if (rec->pts) FixupOutPolygon(*rec);
    }
    return true;
  }

  // Clipper2 drops 3-vertex results with two vertices less than 2 units apart (both axes).
  static bool IsVerySmallTriangle(const OutPt* op) {
    auto close = [](const Point64& a, const Point64& b) { return std::llabs(a.x - b.x) < 2 && std::llabs(a.y - b.y) < 2; };
    return close(op->prev->pt, op->next->pt) || close(op->pt, op->next->pt) || close(op->pt, op->prev->pt);
  }

  // Writes the result paths over `out`'s (reusing their buffers), then trims `out` to them.
  void BuildResult(Paths64* out) {
    size_t n = 0;
    for (OutRec* rec : poly_outs) {
      if (!rec->pts) continue;
      OutPt* p = rec->pts->prev;
      int cnt = PointCount(p);
      if (cnt < 2) continue;
      if (opt.clipper2_intersections && cnt == 3 && IsVerySmallTriangle(p)) continue;
      if (n == out->size()) out->emplace_back();
      Path64& path = (*out)[n++];
      path.resize(static_cast<size_t>(cnt));
      Point64* dst = path.data();
      for (int i = 0; i < cnt; ++i) {
        dst[i] = p->pt;
        p = p->prev;
      }
    }
    out->resize(n);
  }

  // ---- adding paths ----------------------------------------------------------------------
  static Edge* RemoveEdge(Edge* e) {
    e->prev->next = e->next;
    e->next->prev = e->prev;
    Edge* r = e->next;
    e->prev = nullptr;
    return r;
  }

  bool AddClosedPath(const Point64* pg, size_t count, PathRole role, bool small) {
    if (count == 0) return false;
    has_clip |= role == PathRole::kClip;
    int high = static_cast<int>(count) - 1;
    while (high > 0 && pg[high] == pg[0]) --high;
    while (high > 0 && pg[high] == pg[high - 1]) --high;
    if (high < 2) return false;
    const int n = high + 1;
    Edge* edges = edge_pool.Alloc(static_cast<size_t>(n));
    n_edges += static_cast<size_t>(n);
    for (int i = 0; i < n; ++i) {
      // Field by field rather than `e = Edge{}` (which compiles to a slow `rep stos` per edge);
      // bot, top, delta and dx are set below for every edge that survives the clean-up. The ring
      // links: each edge's neighbours in the array, the ends joined after the loop.
      Edge& e = edges[i];
      e.curr = pg[i];
      e.role = role;
      e.side = Side::kLeft;
      e.wind_delta = 0;
      e.wind_cnt = 0;
      e.wind_cnt2 = 0;
      e.out_idx = kUnassigned;
      e.next = edges + i + 1;
      e.prev = edges + i - (i > 0);
      e.next_in_lml = nullptr;
      e.next_in_ael = nullptr;
      e.prev_in_ael = nullptr;
      e.next_in_sel = nullptr;
      e.prev_in_sel = nullptr;
    }
    edges[high].next = edges;
    edges[0].prev = edges + high;
    Edge* e_start = &edges[0];
    Edge* e = e_start;
    Edge* loop_stop = e_start;
    for (;;) {
      if (e->curr == e->next->curr) {
        if (e == e->next) break;
        if (e == e_start) e_start = e->next;
        e = RemoveEdge(e);
        loop_stop = e;
        continue;
      }
      if (e->prev == e->next) break;
      if ((small ? SlopesEqualSmall(e->prev->curr, e->curr, e->next->curr)
                 : SlopesEqual(e->prev->curr, e->curr, e->next->curr)) &&
          (!opt.preserve_collinear || !Pt2IsBetweenPt1AndPt3(e->prev->curr, e->curr, e->next->curr))) {
        if (e == e_start) e_start = e->next;
        e = RemoveEdge(e);
        e = e->prev;
        loop_stop = e;
        continue;
      }
      e = e->next;
      if (e == loop_stop) break;
    }
    if (e->prev == e->next) return false;
    bool is_flat = true;
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    if (edge_tops.size() < n_edges) edge_tops.resize(n_edges);
    int64_t* tops_y = edge_tops.data() + n_edge_tops;
    size_t n_tops_y = 0;
    e = e_start;
    do {
      if (e->curr.y >= e->next->curr.y) {
        e->bot = e->curr;
        e->top = e->next->curr;
      } else {
        e->top = e->curr;
        e->bot = e->next->curr;
      }
      lo = std::min(lo, e->top.y);
      hi = std::max(hi, e->bot.y);
      tops_y[n_tops_y++] = e->top.y;
      SetDx(*e);
      e->role = role;
      e = e->next;
      if (is_flat && e->curr.y != e_start->curr.y) is_flat = false;
    } while (e != e_start);
    if (is_flat) return false;
    n_edge_tops += n_tops_y;
    y_lo = std::min(y_lo, lo);
    y_hi = std::max(y_hi, hi);

    Edge* e_min = nullptr;
    if (e->prev->bot == e->prev->top) e = e->next;
    for (;;) {
      e = FindNextLocMin(e);
      if (e == e_min) break;
      if (!e_min) e_min = e;
      LocalMin lm;
      lm.y = e->bot.y;
      bool left_forward;
      if (e->dx < e->prev->dx) {
        lm.left = e->prev;
        lm.right = e;
        left_forward = false;
      } else {
        lm.left = e;
        lm.right = e->prev;
        left_forward = true;
      }
      lm.left->wind_delta = lm.left->next == lm.right ? -1 : 1;
      lm.right->wind_delta = -lm.left->wind_delta;
      e = ProcessBound(lm.left, left_forward);
      Edge* e2 = ProcessBound(lm.right, !left_forward);
      minima.push_back(lm);
      if (!left_forward) e = e2;
    }
    return true;
  }
};

}  // namespace detail

ClipperEngine::ClipperEngine() : s_(std::make_unique<detail::EngineState>()) {}
ClipperEngine::~ClipperEngine() = default;

void ClipperEngine::Clear() {
  s_->edge_pool.Reset();
  s_->minima.clear();
  s_->current_lm = 0;
  s_->y_lo = INT64_MAX;
  s_->y_hi = INT64_MIN;
  s_->small_coords = true;
  s_->has_clip = false;
  s_->n_edges = 0;
  s_->n_edge_tops = 0;
  s_->ResetRun();
}

void ClipperEngine::SetOptions(const ClipperEngineOptions& options) { s_->opt = options; }

Status ClipperEngine::AddPath(const Point64* pts, size_t count, PathRole role, bool* added) {
  if (added) *added = false;
  // The OR of all |coordinates|: above a limit of the form 2^k - 1 exactly when one of them is.
  uint64_t mag = 0;
  for (size_t i = 0; i < count; ++i) mag |= detail::Magnitude(pts[i].x) | detail::Magnitude(pts[i].y);
  if (mag > static_cast<uint64_t>(kClipperHiRange))
    return Status(StatusCode::kCoordinateOverflow, "coordinate outside the range Clipper accepts (|v| > 2^62)");
  const bool small = mag <= detail::kSmallCoord;
  s_->small_coords &= small;
  bool ok = s_->AddClosedPath(pts, count, role, small);
  if (added) *added = ok;
  return Status::Ok();
}

bool ClipperEngine::AddSmallPath(const Point64* pts, size_t count, PathRole role) {
#ifdef OPK_ENGINE_CHECKS
  for (size_t i = 0; i < count; ++i)
    if ((detail::Magnitude(pts[i].x) | detail::Magnitude(pts[i].y)) > detail::kSmallCoord) std::abort();
#endif
  return s_->AddClosedPath(pts, count, role, true);
}

namespace detail {
// ClipperEngine::Execute, with or without the virtual shrink frame (set for this run only, so that
// no run after an interrupted one, e.g. by bad_alloc, can inherit it).
static bool RunSweep(EngineState& s, ClipOp op, FillRule subject_fill, FillRule clip_fill, bool virtual_frame, Paths64* out) {
  s.ResetRun();
  s.clip_op = op;
  s.subj_fill = subject_fill;
  s.clip_fill = clip_fill;
  s.virtual_frame = virtual_frame;
  bool ok = s.ExecuteInternal();
  if (ok) s.BuildResult(out);
  else out->clear();
  s.ResetRun();
  s.virtual_frame = false;
  return ok;
}
}  // namespace detail

bool ClipperEngine::Execute(ClipOp op, FillRule subject_fill, FillRule clip_fill, Paths64* out) {
  return detail::RunSweep(*s_, op, subject_fill, clip_fill, false, out);
}

Status ClipperEngine::ExecuteShrinkFrame(int64_t left, int64_t top, int64_t right, int64_t bottom, bool emulate,
                                         Paths64* out) {
  detail::EngineState& s = *s_;
  s.opt.reverse_solution = true;
  // The frame's coordinates all within kSmallCoord: then so are the paths' (inside the frame),
  // and the real run's small_coords is the same as this one's.
  const auto in = [](int64_t v, int64_t d) { return v > -detail::kSmallFrame + d && v < detail::kSmallFrame - d; };
  const bool virt = emulate && !s.opt.js_compat && !s.opt.clipper2_intersections && !s.has_clip && s.small_coords &&
                    in(left, 10) && in(right, 10) && in(top, 10) && in(bottom, 10);
  s.last_frame_emulated = virt;
  if (virt) {
#ifdef OPK_ENGINE_CHECKS
    if (s.y_lo <= s.y_hi && (s.y_lo < top || s.y_hi > bottom)) std::abort();
#endif
    if (!detail::RunSweep(s, ClipOp::kUnion, FillRule::kNegative, FillRule::kNegative, true, out)) out->clear();
    return Status::Ok();
  }
  const Point64 outer[4] = {{left - 10, bottom + 10}, {right + 10, bottom + 10}, {right + 10, top - 10}, {left - 10, top - 10}};
  if (Status st = AddPath(outer, 4, PathRole::kSubject); !st.ok()) {
    out->clear();
    return st;
  }
  if (!Execute(ClipOp::kUnion, FillRule::kNegative, FillRule::kNegative, out)) out->clear();
  if (!out->empty()) out->erase(out->begin());
  return Status::Ok();
}

bool ClipperEngine::last_frame_emulated() const { return s_->last_frame_emulated; }

}  // namespace opk::geom
