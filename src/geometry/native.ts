/**
 * The geometry area's native surface (native/binding/geometry_*.cc). Internal: the public API
 * in this folder validates options with zod and converts `[[x, y], ...]` paths before calling it.
 */
import { getNative } from '../native';

/** Flat polygon batch as it crosses the boundary (see {@link FlatPolygons}). */
export interface NativeFlat {
  coords: Float64Array;
  ringOffsets: Uint32Array;
  polygonRings: Uint32Array;
}

/** Options object read by `geomOffsetBatch` (already validated in TS). */
export interface NativeOffsetSpec {
  mode: 'pyclipper' | 'clipper2';
  joinType: 'round' | 'miter' | 'square' | 'bevel';
  endType: 'polygon' | 'joined' | 'butt' | 'square' | 'round';
  miterLimit: number;
  arcTolerance: number;
  scale: number;
  preserveCollinear: boolean;
  reverseSolution: boolean;
  kind: 'delta' | 'shrink' | 'unclip';
  /** Test hook: reproduce clipper-lib's deviations from C++ Clipper 6.4.2. */
  jsCompat?: boolean;
  /** Test hook: false forces the general sweep (the fast path must give identical output). */
  fastPath?: boolean;
  /** Most points of the whole result (default 2^32 − 1); see the offset options. */
  maxOutputPoints?: number;
}

/** Options object read by `geomBooleanOp`. */
export interface NativeBooleanSpec {
  op: 'union' | 'intersection' | 'difference' | 'xor';
  fillRule: 'evenOdd' | 'nonZero' | 'positive' | 'negative';
  scale: number;
  preserveCollinear: boolean;
  reverseSolution: boolean;
  /** Most points the result may hold (absent: 2^32 − 1). */
  maxOutputPoints?: number;
  /** Test hook: Clipper 6.4.2's crossing arithmetic instead of Clipper2's. */
  clipper642?: boolean;
}

export interface GeometryNative {
  geomOffsetBatch(
    coords: Float64Array,
    ringOffsets: Uint32Array,
    polygonRings: Uint32Array | null,
    values: Float64Array | number,
    spec: Partial<NativeOffsetSpec> | Float64Array,
    /** A polygon cache's native handle (`PolygonCache.nativeHandle`). */
    cache?: unknown,
    /** Caller-provided result storage (all three or none; see batch.ts BatchOutput). */
    outCoords?: Float64Array,
    outRingOffsets?: Uint32Array,
    outPolygonRings?: Uint32Array,
  ): NativeFlat;
  geomOffsetBatchAsync(
    coords: Float64Array,
    ringOffsets: Uint32Array,
    polygonRings: Uint32Array | null,
    values: Float64Array | number,
    spec: Partial<NativeOffsetSpec> | Float64Array,
    cache: unknown,
    /** Most threads (0 = every core). */
    threads: number,
  ): Promise<NativeFlat>;
  /**
   * One polygon through the reusable buffer `io` (layout in src/geometry/flat.ts and
   * geometry_binding.cc OffsetOneJs). Returns the output ring count when the result fits in `io`,
   * else the result as a new {@link NativeFlat}.
   */
  geomOffsetOne(io: Float64Array, cache?: unknown): number | NativeFlat;
  geomBooleanOp(
    subjectCoords: Float64Array,
    subjectRingOffsets: Uint32Array,
    clipCoords: Float64Array,
    clipRingOffsets: Uint32Array,
    spec: NativeBooleanSpec,
  ): NativeFlat;
  /** `geomBooleanOp` on a libuv pool thread (inputs copied on the calling thread). */
  geomBooleanOpAsync(
    subjectCoords: Float64Array,
    subjectRingOffsets: Uint32Array,
    clipCoords: Float64Array,
    clipRingOffsets: Uint32Array,
    spec: NativeBooleanSpec,
  ): Promise<NativeFlat>;
}

/** The loaded addon, typed with the geometry functions. */
export function geometryNative(): GeometryNative {
  return getNative<GeometryNative>();
}
