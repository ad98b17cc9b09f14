/**
 * ocr-perfkit: native polygon offsetting, DBNet targets and post-processing, a shared polygon
 * cache, GPU/host sampling, and training callbacks for TensorFlow.js.
 */
export * from './errors';
export { addonLocation, getNative, type AddonLocation, type NativeBuildInfo } from './native';
export { runDoctor, formatDoctor, type DoctorCheck } from './cli/doctor';
export * from './callbacks';
export * from './loggers';
export * from './trainer';
export * from './config';
export { summarize, percentileSorted, SampleBuffer, type Summary } from './stats';
export * from './geometry';
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
  type FlatPolygons as FlatLabeledPolygons,
  type LabeledPolygon,
  type PolygonsInput,
  type BoxesOptions,
  type DetectedBox,
  boxesFromBitmap,
  boxesFromBitmapAsync,
  type DetectionEvaluation,
  type EvaluateOptions,
  evaluateDetections,
  type GroundTruthInput,
  type ImageEvaluation,
  type PredictionInput,
} from './targets';
export * from './cache';
export * from './monitor';
export { runTrainJob, trainJobSchema, type TrainJobOptions, type TrainJobResult } from './demo/train_job';
