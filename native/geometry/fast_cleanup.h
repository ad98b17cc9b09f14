// Fast path for the clean-up union of Clipper 6.4.2's ClipperOffset, for the common case of one
// raw offset ring whose self-intersections are only small, disjoint, negatively wound loops (the
// spikes ClipperOffset puts at convex corners when shrinking, or none at all when growing).
//
// It removes the loops, computes each crossing exactly as Clipper 6.4.2's sweep would (the same
// IntersectPoint arithmetic and scanbeam clamps, or TopX on horizontal edges), and orders the
// result as Clipper's BuildResult does (positive orientation, topmost vertex last). Whenever a
// configuration is not one it can reproduce with certainty (touching or collinear segments,
// nested loops, a crossing whose scanbeam cannot be told, ties in the ordering, vertices that
// Clipper's clean-up would remove) it returns false and the caller runs the general sweep. A
// crossing whose rounded positions do not show it in its own scanbeam is placed in the beam where
// the sweep meets it (LateCrossingPoint); the raw ring of a shrunk convex triangle or quadrilateral
// has its far-apart segment pairs certified by a separating line instead of pair tests
// (ShrunkConvexScan). The tests check it against the general path on millions of polygons
// (test/geometry/fast-path.test.ts, scripts/fast-path-differential.js).
#pragma once

#include "geometry/types.h"

namespace opk::geom {

// `raw`: the raw offset ring (ClipperOffset's m_destPolys[0]); `out` receives the result paths.
// Returns false when the general path must be used (out is then unspecified).
bool FastOffsetCleanup(const Path64& raw, Paths64* out);

// True only where FastOffsetCleanup(raw, ...) surely returns false because its convex-ring step
// gives up (a right turn and more than 16 vertices that the ring's clean-up would keep: the
// shrunk rings of curved text polygons), decided from the first such vertices instead of a copy of
// the whole ring; false says nothing. Every |coordinate| of `raw` must be below 2^30 (Grow's rings).
bool FastCleanupSurelyDeclines(const Path64& raw);

}  // namespace opk::geom
