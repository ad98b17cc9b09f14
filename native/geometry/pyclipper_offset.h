// pyclipper-identical offsetting (pyclipper 1.2.x bundles Clipper 6.4.2).
//
// Contract used by native/targets (DB shrink maps) — implemented by the geometry area:
//
//   PyclipperOffset(path, delta, JoinType::kRound, EndType::kPolygon, 2.0, 0.25, &out)
//
// gives exactly what Python computes with
//
//   pco = pyclipper.PyclipperOffset()          # MiterLimit=2, ArcTolerance=0.25
//   pco.AddPath(path, pyclipper.JT_ROUND, pyclipper.ET_CLOSEDPOLYGON)
//   out = pco.Execute(delta)
//
// where `path` already holds the int64 vertices (pyclipper truncates float input toward zero;
// callers do that conversion themselves). Output paths in Clipper 6.4.2's order and orientation.
#pragma once

#include "common/status.h"
#include "geometry/types.h"

namespace opk::geom {

Status PyclipperOffset(const Path64& path, double delta, JoinType join, EndType end, double miter_limit,
                       double arc_tolerance, Paths64* out);

}  // namespace opk::geom
