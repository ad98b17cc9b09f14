/**
 * DBNet targets and post-processing: {@link makeDbTargets} (training targets, reference or
 * exact mode), {@link makeDbTargetsBatch} (thread pool, async), {@link boxesFromBitmap}
 * (probability map to boxes) and {@link evaluateDetections} (precision/recall/hmean).
 */
export {
  type DbBatchOptions,
  type DbTargetBuffers,
  type DbTargets,
  type DbTargetsOptions,
  type DbTargetsSample,
  MAX_TARGET_PIXELS,
  MAX_TARGET_SIDE,
  makeDbTargets,
  makeDbTargetsAsync,
  makeDbTargetsBatch,
  targetsThreadCount,
} from './db';
export {
  // Named apart from geometry's flat rings ({ coords, ringOffsets }) and its mutable Point.
  type FlatPolygons as FlatLabeledPolygons,
  type LabeledPolygon,
  type Point as ReadonlyPoint,
  type PolygonsInput,
  isFlatPolygons,
  toFlatPolygons,
} from './polygons';
export { type BoxesOptions, type DetectedBox, boxesFromBitmap, boxesFromBitmapAsync } from './boxes';
export {
  type DetectionEvaluation,
  type EvaluateOptions,
  evaluateDetections,
  type GroundTruthInput,
  type ImageEvaluation,
  type PredictionInput,
} from './evaluate';
