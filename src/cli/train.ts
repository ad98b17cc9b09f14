/**
 * `ocr-perfkit train [--config FILE] [key=value ...]`: the main job. Keys starting with `job.`
 * set the job's own options (pages, size, learning rate, output folder); all other keys
 * override the training config (trainer, data, callbacks, loggers; see configs/train.yaml).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runTrainJob } from '../demo/train_job';
import { parseOverride } from '../config/load';
import { CliUsageError } from './failure';
import { packageRoot } from '../native';

/** Splits argv into the config file, job options and config overrides. */
export function parseTrainArgs(args: string[]): { configFile?: string; job: Record<string, unknown>; overrides: string[] } {
  let configFile: string | undefined;
  const job: Record<string, unknown> = {};
  const overrides: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--config' || a === '-c') {
      configFile = args[++i];
      if (!configFile) throw new CliUsageError('--config needs a file');
    } else if (a.startsWith('--config=')) {
      configFile = a.slice('--config='.length);
    } else if (a.startsWith('job.')) {
      const { path: keys, value } = parseOverride(a);
      job[keys.slice(1).join('.')] = value;
    } else if (a.includes('=')) {
      overrides.push(a);
    } else {
      throw new CliUsageError(`unexpected argument '${a}' (expected --config FILE, job.key=value or key=value)`);
    }
  }
  if (configFile === undefined) {
    const shipped = path.join(packageRoot, 'configs', 'train.yaml');
    if (fs.existsSync(shipped)) configFile = shipped;
  }
  return { configFile, job, overrides };
}

export async function trainCommand(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(
      [
        'Usage: ocr-perfkit train [--config FILE] [job.KEY=VALUE ...] [KEY=VALUE ...]',
        '',
        'Trains a small DBNet on synthetic receipts with every callback on, then writes report.html.',
        '',
        'Job keys: job.outDir, job.width, job.height, job.trainPages, job.valPages, job.baseChannels,',
        '          job.learningRate, job.seed, job.samplerIntervalMs, job.tfjsPackage, job.examplePages',
        'Config keys (configs/train.yaml): e.g. trainer.maxEpochs=5 data.batchSize=8 loggers.mlflow.enabled=true',
      ].join('\n') + '\n',
    );
    return 0;
  }
  const parsed = parseTrainArgs(args);
  await runTrainJob(parsed);
  return 0;
}
