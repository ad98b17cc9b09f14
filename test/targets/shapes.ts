/** Polygons shared by the target tests. */
import type { Point } from '../../src/targets/polygons';

/** A 40×40 L of arm width 10 (area 700): non-convex, rectilinear, on integers. */
export const L_SHAPE: Point[] = [
  [0, 0],
  [40, 0],
  [40, 10],
  [10, 10],
  [10, 40],
  [0, 40],
];
