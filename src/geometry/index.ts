/**
 * Polygon geometry: offsetting (pyclipper-identical and Clipper2 modes), DB shrink/unclip helpers,
 * batched and async variants over flat arrays, boolean operations and measures.
 */
export * from './types';
export {
  offsetOptionsSchema,
  shrinkOptionsSchema,
  unclipOptionsSchema,
  booleanOptionsSchema,
  type OffsetOptions,
  type ShrinkOptions,
  type UnclipOptions,
  type BooleanOptions,
} from './options';
export { offsetPaths, shrinkPolygon, unclipPolygon } from './offset';
export {
  offsetBatch,
  offsetBatchAsync,
  shrinkBatch,
  shrinkBatchAsync,
  unclipBatch,
  unclipBatchAsync,
  type OffsetBatchInput,
  type RatioBatchInput,
  type AsyncBatchOptions,
  type BatchOutput,
} from './batch';
export {
  union,
  intersection,
  difference,
  xor,
  unionAsync,
  intersectionAsync,
  differenceAsync,
  xorAsync,
} from './boolean';
export { area, perimeter, orientation, isConvex } from './measures';
export { flatToPaths, pathsToFlat, polygonPaths } from './flat';
