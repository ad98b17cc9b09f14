/**
 * The native surface of the targets area (see native/binding/targets_*.cc). Internal: the
 * public API in this folder validates arguments and allocates buffers before calling these.
 */
import { getNative } from '../native';

/** One image's job as the addon reads it (flat polygons, parameters and output buffers). */
export interface NativeDbSample {
  xy: Float64Array;
  offsets: Uint32Array;
  ignore?: Uint8Array;
  width: number;
  height: number;
  shrinkRatio: number;
  minTextSize: number;
  threshMin: number;
  threshMax: number;
  mode: 'exact' | 'reference';
  shrinkMap: Float32Array;
  shrinkMask: Float32Array;
  threshMap: Float32Array;
  threshMask: Float32Array;
  ignoreOut: Uint8Array;
  /** A polygon cache's native handle (`PolygonCache.nativeHandle`). */
  cache?: unknown;
}

/** Native boxes-from-bitmap job. */
export interface NativeBoxesRequest {
  prob: Float32Array;
  width: number;
  height: number;
  destWidth: number;
  destHeight: number;
  thresh: number;
  boxThresh: number;
  unclipRatio: number;
  maxCandidates: number;
  minSize: number;
  polygon: boolean;
  /** Score over the traced contour (PaddleOCR's box_score_slow) instead of the candidate. */
  scoreSlow: boolean;
  /** Polygon output: approxPolyDP's epsilon as a fraction of the contour's length. */
  polygonEpsilon: number;
  /** 2x2 dilation of the binarized map before tracing (PaddleOCR's use_dilation). */
  dilate: boolean;
}

/** Native boxes-from-bitmap result: flat points with offsets, one score per box. */
export interface NativeBoxesResult {
  xy: Float64Array;
  offsets: Uint32Array;
  scores: Float64Array;
}

export interface TargetsNative {
  /** Returns the image's compute time in ms. */
  makeDbTargets(sample: NativeDbSample): number;
  /** Resolves with each image's compute time in ms. */
  makeDbTargetsBatch(samples: NativeDbSample[], threads?: number): Promise<Float64Array>;
  targetsPoolSize(): number;
  /** Test hook: pixels where the fast reference kernel differs from the plain formula, plus those where the exact span row merge differs from the flag-row merge. */
  targetsKernelSelfCheck(seed: number, edges: number): number;
  boxesFromBitmap(request: NativeBoxesRequest): NativeBoxesResult;
  boxesFromBitmapAsync(request: NativeBoxesRequest): Promise<NativeBoxesResult>;
}

export function targetsNative(): TargetsNative {
  return getNative<TargetsNative>();
}
