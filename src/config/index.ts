/** Config schemas, YAML loading with includes and dotted overrides, and building objects from a config. */
export { parseConfig, describeValue } from './validate';
export {
  trainConfigSchema,
  callbacksConfigSchema,
  loggersConfigSchema,
  dataConfigSchema,
  type TrainConfig,
} from './schemas';
export {
  loadTrainConfig,
  readConfigTree,
  readYamlFile,
  applyOverrides,
  parseOverride,
  deepMerge,
  type LoadConfigOptions,
} from './load';
export { buildFromConfig, type BuildDeps, type BuiltTraining } from './build';
