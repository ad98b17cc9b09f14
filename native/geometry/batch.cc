// Batched offsetting. See batch.h.
#include "geometry/batch.h"

#include <algorithm>
#include <cmath>
#include <string>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "common/thread_local_ref.h"
#include "geometry/batch_internal.h"
#include "geometry/clipper2_offset.h"
#include "geometry/offset642.h"

namespace opk::geom {

Status PolygonError(StatusCode code, size_t polygon, const std::string& what) {
  return Status(code, "polygon " + std::to_string(polygon) + ": " + what);
}

Status OutputLimitError(size_t p, const OffsetSpec& spec) {
  return PolygonError(StatusCode::kOutOfRange, p,
                      "the batch result would hold more than maxOutputPoints = " + std::to_string(spec.max_output_points) +
                          " points; split the batch or raise the limit");
}

struct Workspace {
  ClipperOffset642 offset642;
  Clipper2Offsetter offset2;
  Path64 ring;
  Paths64 result;
};

namespace {
// One per thread: keeps every buffer between calls.
Workspace& TlsWorkspace() { return ThreadLocalRef<Workspace>(); }

// Appends result paths as flat rings (coordinates divided by `scale`).
void AppendPaths(const Paths64& paths, double scale, BatchOut* out) {
  auto& coords = out->coords;
  for (const Path64& path : paths) {
    const size_t at = coords.size();
    coords.resize(at + 2 * path.size());
    double* dst = coords.data() + at;
    if (scale == 1.0) {
      for (const Point64& q : path) {
        *dst++ = static_cast<double>(q.x);
        *dst++ = static_cast<double>(q.y);
      }
    } else {
      for (const Point64& q : path) {
        *dst++ = static_cast<double>(q.x) / scale;
        *dst++ = static_cast<double>(q.y) / scale;
      }
    }
    out->ring_offsets.push_back(static_cast<uint32_t>(coords.size() / 2));
  }
}

}  // namespace

double RingAreaGeos(const double* xy, size_t n) {
  // GEOS Area::ofRingSigned over the closed ring (x shifted by x0), then |.|: the sum of
  // (x_i - x0) * (y_{i-1} - y_{i+1}) for i = 1 .. n-1 (y_n = y_0), in that order.
  if (n < 3) return 0.0;
  const double x0 = xy[0];
  double sum = 0.0;
  for (size_t i = 1; i + 1 < n; ++i) sum += (xy[2 * i] - x0) * (xy[2 * i - 1] - xy[2 * i + 3]);
  sum += (xy[2 * n - 2] - x0) * (xy[2 * n - 3] - xy[1]);
  return std::fabs(sum / 2.0);
}

double RingPerimeter(const double* xy, size_t n) {
  if (n == 0) return 0.0;
  double len = 0.0;
  for (size_t i = 1; i < n; ++i) {
    const double dx = xy[2 * i] - xy[2 * i - 2], dy = xy[2 * i + 1] - xy[2 * i - 1];
    len += std::sqrt(dx * dx + dy * dy);
  }
  const double dx = xy[0] - xy[2 * n - 2], dy = xy[1] - xy[2 * n - 1];
  return len + std::sqrt(dx * dx + dy * dy);
}

namespace {

Status ValidateBatchSlow(const BatchView& in, double scale, size_t min_points);

// Whether every value of c[0, n) times `scale` is finite and within 2^53 (NaN fails the
// comparison): branch-free, so the compiler vectorizes it.
bool CoordinatesInRange(const double* c, size_t n, double scale) {
  size_t i = 0;
#if defined(__SSE2__)
  // Two at a time: cmpnle is true for NaN and for values past the limit.
  const __m128d sign = _mm_set1_pd(-0.0), limit = _mm_set1_pd(kMaxScaledCoordinate), s = _mm_set1_pd(scale);
  __m128d bad2 = _mm_setzero_pd();
  for (; i + 2 <= n; i += 2) {
    const __m128d v = _mm_andnot_pd(sign, _mm_mul_pd(_mm_loadu_pd(c + i), s));
    bad2 = _mm_or_pd(bad2, _mm_cmpnle_pd(v, limit));
  }
  if (_mm_movemask_pd(bad2) != 0) return false;
#endif
  unsigned bad = 0;
  for (; i < n; ++i) bad |= static_cast<unsigned>(!(std::fabs(c[i] * scale) <= kMaxScaledCoordinate));
  return bad == 0;
}

// The layout checks of ValidateBatch alone (no coordinate reads); false on any problem. On
// success, [*first, *last) are the coordinate indices the polygons' rings cover.
bool LayoutOk(const BatchView& in, size_t min_points, size_t* first, size_t* last) {
  if (in.coord_count % 2 != 0 || in.ring_offset_count == 0) return false;
  const size_t points = in.coord_count / 2;
  const size_t rings = in.ring_offset_count - 1;
  if (in.polygon_rings) {
    if (in.polygon_ring_count == 0) return false;
    for (size_t p = 0; p + 1 < in.polygon_ring_count; ++p)
      if (in.polygon_rings[p] > in.polygon_rings[p + 1] || in.polygon_rings[p + 1] > rings) return false;
  }
  const size_t n_poly = in.polygon_count();
  const size_t r0 = n_poly == 0 ? 0 : in.polygon_rings ? in.polygon_rings[0] : 0;
  const size_t r1 = n_poly == 0 ? 0 : in.polygon_rings ? in.polygon_rings[n_poly] : n_poly;
  for (size_t r = r0; r < r1; ++r) {
    const uint32_t a = in.ring_offsets[r], b = in.ring_offsets[r + 1];
    if (a > b || b > points || b - a < min_points) return false;
  }
  // Ring r ends where ring r + 1 starts, so the rings [r0, r1) cover one contiguous range.
  *first = r1 > r0 ? 2 * static_cast<size_t>(in.ring_offsets[r0]) : 0;
  *last = r1 > r0 ? 2 * static_cast<size_t>(in.ring_offsets[r1]) : 0;
  return true;
}

}  // namespace

Status ValidateBatch(const BatchView& in, double scale, size_t min_points) {
  // The common case first: layout sound and every coordinate of the polygons' rings in range.
  // Anything else takes the detailed pass below, which finds the first problem in polygon order.
  size_t first = 0, last = 0;
  if (LayoutOk(in, min_points, &first, &last) && CoordinatesInRange(in.coords + first, last - first, scale))
    return Status::Ok();
  return ValidateBatchSlow(in, scale, min_points);
}

namespace {
Status ValidateBatchSlow(const BatchView& in, double scale, size_t min_points) {
  if (in.coord_count % 2 != 0)
    return Status(StatusCode::kBufferSize, "coords has odd length " + std::to_string(in.coord_count) +
                                               "; expected x, y pairs");
  if (in.ring_offset_count == 0) return Status(StatusCode::kBufferSize, "ringOffsets must have n + 1 entries (got 0)");
  const size_t points = in.coord_count / 2;
  const size_t rings = in.ring_offset_count - 1;
  if (in.polygon_rings) {
    if (in.polygon_ring_count == 0) return Status(StatusCode::kBufferSize, "polygonRings must have n + 1 entries");
    for (size_t p = 0; p + 1 < in.polygon_ring_count; ++p) {
      if (in.polygon_rings[p] > in.polygon_rings[p + 1] || in.polygon_rings[p + 1] > rings)
        return PolygonError(StatusCode::kInvalidPolygon, p, "polygonRings out of range or decreasing");
    }
  }
  const size_t n_poly = in.polygon_count();
  for (size_t p = 0; p < n_poly; ++p) {
    size_t r0 = in.polygon_rings ? in.polygon_rings[p] : p;
    size_t r1 = in.polygon_rings ? in.polygon_rings[p + 1] : p + 1;
    for (size_t r = r0; r < r1; ++r) {
      uint32_t a = in.ring_offsets[r], b = in.ring_offsets[r + 1];
      if (a > b || b > points)
        return PolygonError(StatusCode::kInvalidPolygon, p,
                            "ring offsets [" + std::to_string(a) + ", " + std::to_string(b) + ") out of range for " +
                                std::to_string(points) + " points");
      if (b - a < min_points)
        return PolygonError(StatusCode::kInvalidPolygon, p,
                            "has " + std::to_string(b - a) + " points; at least " + std::to_string(min_points) +
                                " are needed");
      for (size_t i = 2 * static_cast<size_t>(a); i < 2 * static_cast<size_t>(b); ++i) {
        double v = in.coords[i];
        if (!std::isfinite(v)) return PolygonError(StatusCode::kInvalidPolygon, p, "coordinate is NaN or infinite");
        if (std::fabs(v * scale) > kMaxScaledCoordinate)
          return PolygonError(StatusCode::kCoordinateOverflow, p,
                              "coordinate " + std::to_string(v) + " times scale leaves the exact integer range (2^53)");
      }
    }
  }
  return Status::Ok();
}
}  // namespace

std::string OffsetCacheTag(const OffsetSpec& spec) {
  // Enums and flags; then, unless miter limit, arc tolerance and scale are all at their defaults,
  // those three doubles' exact bits. The two forms differ in length, so they never collide.
  const OffsetSpec defaults;
  const bool default_doubles = spec.miter_limit == defaults.miter_limit &&
                               spec.arc_tolerance == defaults.arc_tolerance && spec.scale == defaults.scale;
  unsigned char b[8] = {'o', default_doubles ? static_cast<unsigned char>('2') : static_cast<unsigned char>('3')};
  b[2] = static_cast<unsigned char>(spec.mode);
  b[3] = static_cast<unsigned char>(spec.join);
  b[4] = static_cast<unsigned char>(spec.end);
  b[5] = static_cast<unsigned char>(spec.kind);
  b[6] = static_cast<unsigned char>((spec.preserve_collinear ? 1 : 0) | (spec.reverse_solution ? 2 : 0) |
                                    (spec.js_compat ? 4 : 0));
  std::string tag(reinterpret_cast<const char*>(b), sizeof b);
  if (!default_doubles) {
    const double d[3] = {spec.miter_limit, spec.arc_tolerance, spec.scale};
    tag.append(reinterpret_cast<const char*>(d), sizeof d);
  }
  return tag;
}

OffsetContext::OffsetContext(const OffsetSpec& s) : spec(s), ws(&TlsWorkspace()) {
  o642.miter_limit = spec.miter_limit;
  o642.arc_tolerance = spec.arc_tolerance;
  o642.js_compat = spec.js_compat;
  o642.fast_path = spec.fast_path;
  o642.preserve_collinear = spec.preserve_collinear;
  o642.reverse_solution = spec.reverse_solution;
  o2.miter_limit = spec.miter_limit;
  o2.arc_tolerance = spec.arc_tolerance * spec.scale;
  o2.preserve_collinear = spec.preserve_collinear;
  o2.reverse_solution = spec.reverse_solution;
}

Status OffsetOne(OffsetContext& ctx, const BatchView& in, size_t p, double v, BatchOut* out) {
  const OffsetSpec& spec = ctx.spec;
  Workspace& ws = *ctx.ws;
  const size_t r0 = in.polygon_rings ? in.polygon_rings[p] : p;
  const size_t r1 = in.polygon_rings ? in.polygon_rings[p + 1] : p + 1;
  double delta = v;
  if (spec.kind != DeltaKind::kDelta) {
    if (v < 0) return PolygonError(StatusCode::kOutOfRange, p, "ratio must be >= 0");
    const double* xy = in.coords + 2 * static_cast<size_t>(in.ring_offsets[r0]);
    const size_t n = in.ring_offsets[r0 + 1] - in.ring_offsets[r0];
    const double area = RingAreaGeos(xy, n);
    const double length = RingPerimeter(xy, n);
    if (spec.kind == DeltaKind::kShrinkRatio) delta = length > 0 ? -(area * (1 - v * v) / length) : 0.0;
    else delta = length > 0 ? area * v / length : 0.0;
  }
  const double scaled_delta = delta * spec.scale;
  if (!(std::fabs(scaled_delta) <= kMaxScaledCoordinate))
    return PolygonError(StatusCode::kOutOfRange, p, "delta times scale leaves the exact integer range (2^53)");

  if (spec.mode == OffsetMode::kPyclipper) {
    ws.offset642.Clear();
    for (size_t r = r0; r < r1; ++r) {
      const uint32_t b = in.ring_offsets[r];
      Status st = ws.offset642.AddPathTruncated(in.coords + 2 * static_cast<size_t>(b), in.ring_offsets[r + 1] - b,
                                                spec.scale, spec.join, spec.end);
      if (!st.ok()) return PolygonError(st.code(), p, st.message());
    }
    Status st = ws.offset642.Execute(scaled_delta, ctx.o642, &ws.result);
    if (!st.ok()) return PolygonError(st.code(), p, st.message());
  } else {
    ws.result.clear();
    ws.offset2.Clear();
    for (size_t r = r0; r < r1; ++r) {
      ws.ring.clear();
      for (uint32_t i = in.ring_offsets[r]; i < in.ring_offsets[r + 1]; ++i) {
        ws.ring.push_back(Point64{static_cast<int64_t>(std::nearbyint(in.coords[2 * i] * spec.scale)),
                                  static_cast<int64_t>(std::nearbyint(in.coords[2 * i + 1] * spec.scale))});
      }
      ws.offset2.AddPath(ws.ring.data(), ws.ring.size(), spec.join, spec.end);
    }
    Status st = ws.offset2.Execute(scaled_delta, ctx.o2, &ws.result);
    if (!st.ok()) return PolygonError(st.code(), p, st.message());
  }
  AppendPaths(ws.result, spec.scale, out);
  out->polygon_rings.push_back(static_cast<uint32_t>(out->ring_offsets.size() - 1));
  if (OverOutputLimit(*out, spec)) return OutputLimitError(p, spec);
  return Status::Ok();
}

Status OffsetBatch(const BatchView& in, const double* values, size_t value_count, const OffsetSpec& spec,
                   BatchOut* out, cache::Cache* cache) {
  out->Clear();
  const size_t n_poly = in.polygon_count();
  if (value_count != 1 && value_count != n_poly)
    return Status(StatusCode::kBufferSize, "expected 1 or " + std::to_string(n_poly) + " deltas, got " +
                                               std::to_string(value_count));
  // Closed polygons need 3 points; closed lines ('joined') and open paths may be shorter.
  OPK_RETURN_IF_ERROR(ValidateBatch(in, spec.scale, spec.end == EndType::kPolygon ? 3 : 1));
  return OffsetValidBatch(in, values, value_count, spec, out, cache);
}

Status OffsetValidBatch(const BatchView& in, const double* values, size_t value_count, const OffsetSpec& spec,
                        BatchOut* out, cache::Cache* cache) {
  out->Clear();
  const size_t n_poly = in.polygon_count();
  if (cache != nullptr) return OffsetBatchCached(in, values, value_count, spec, out, cache);
  // thread_local lookups go through __tls_get_addr in the shared addon: take them once per call.
  OffsetContext ctx(spec);
  out->coords.reserve(in.coord_count * 2);
  out->ring_offsets.reserve(n_poly + 1);
  out->polygon_rings.reserve(n_poly + 1);
  for (size_t p = 0; p < n_poly; ++p) {
    const double v = values[value_count == 1 ? 0 : p];
    if (!std::isfinite(v)) return PolygonError(StatusCode::kOutOfRange, p, "delta/ratio must be finite");
    OPK_RETURN_IF_ERROR(OffsetOne(ctx, in, p, v, out));
  }
  return Status::Ok();
}

}  // namespace opk::geom
