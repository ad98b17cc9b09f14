/** Metrics sinks behind one {@link MetricsLogger} interface. */
export * from './types';
export { LoggerGroup } from './group';
export { MemoryLogger, type MemoryRecord } from './memory';
export { ConsoleLogger, consoleLoggerConfigSchema, formatValue, type ConsoleLoggerOptions } from './console';
export { JsonlLogger, jsonlLoggerConfigSchema, type JsonlLoggerOptions } from './jsonl';
export { TensorBoardLogger, tensorBoardLoggerConfigSchema, type TensorBoardLoggerOptions } from './tensorboard/writer';
export { MlflowLogger, mlflowLoggerConfigSchema, type MlflowLoggerOptions, mlflowName } from './mlflow';
export { jsonNumber, parseJsonNumber } from './json_values';
export {
  PrometheusLogger,
  prometheusLoggerConfigSchema,
  prometheusName,
  prometheusValue,
  type PrometheusLoggerOptions,
} from './prometheus';
