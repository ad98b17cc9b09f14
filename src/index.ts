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
export * from './targets';
export * from './cache';
export * from './monitor';
export * from './tfjs';
export { runTrainJob, trainJobSchema, type TrainJobOptions, type TrainJobResult } from './demo/train_job';
