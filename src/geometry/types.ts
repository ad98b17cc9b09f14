/** Geometry value types shared by the public geometry API. */

/** A point as `[x, y]`. y grows downwards (image convention) but nothing depends on it. */
export type Point = [number, number];
/** A ring or open path: a list of points, not closed by repeating the first point. */
export type Path = Point[];
/** Several paths (e.g. an outer ring and its holes, or every piece of a result). */
export type Paths = Path[];

/**
 * Many polygons in flat arrays, the layout that crosses into native code in one call.
 * Ring r is points `ringOffsets[r] .. ringOffsets[r+1]-1` of `coords` (`x0, y0, x1, y1, ...`).
 */
export interface FlatRings {
  /** `x0, y0, x1, y1, ...` */
  coords: Float64Array;
  /** Point index where each ring starts, plus one final entry (n_rings + 1 entries). */
  ringOffsets: Uint32Array;
}

/** A batch result: flat rings plus which rings belong to which input polygon. */
export interface FlatPolygons extends FlatRings {
  /** Output rings of input polygon i are `polygonRings[i] .. polygonRings[i+1]-1` (n + 1 entries). */
  polygonRings: Uint32Array;
}
