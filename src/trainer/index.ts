/** The custom training loop, the timed DataLoader and the worker-thread pool. */
export {
  Trainer,
  type TrainerOptions,
  type FitArgs,
  type ValidateArgs,
  type FitResult,
  type StepFn,
  type StepOutput,
  type StepContext,
  type ModelLike,
  type OptimizerLike,
  type LossFn,
} from './trainer';
export { trainerConfigSchema, type TrainerConfig } from './schema';
export {
  DataLoader,
  dataLoaderConfigSchema,
  type DataLoaderOptions,
  type DataSource,
  type IteratorDataset,
  type TimedBatch,
  type TimedBatchSource,
  type TransformPool,
  type TransformWork,
} from './data_loader';
export { WorkerPool, workerPoolConfigSchema, type TimedResult, type WorkerPoolOptions } from './worker_pool';
export { loadTf, type TfLike, type TensorLike, type TfMemoryInfo } from './tf';
