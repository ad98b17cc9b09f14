/**
 * A log or run folder that cannot be created (a file in the way) is ERR_INVALID_CONFIG naming
 * the config key, not a bare EEXIST/ENOTDIR from fs.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureOutputDir } from '../../src/config/output_dir';
import { runTrainJob } from '../../src/demo/train_job';
import { JsonlLogger } from '../../src/loggers/jsonl';
import { TensorBoardLogger } from '../../src/loggers/tensorboard/writer';
import { makeTempDir } from '../tmp-dir';

describe('output folders that cannot be created', () => {
  const dir = makeTempDir('outdir');
  const file = path.join(dir, 'a-file');
  fs.writeFileSync(file, 'x');

  test.each([
    ['loggers.jsonl.path', () => new JsonlLogger({ path: path.join(file, 'sub', 'm.jsonl') })],
    ['loggers.tensorboard.logDir', () => new TensorBoardLogger({ logDir: path.join(file, 'tb') })],
    ['job.outDir', () => runTrainJob({ job: { outDir: path.join(file, 'run') }, print: () => {} })],
  ])('%s', async (key, make) => {
    let err: unknown;
    try {
      await make();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RangeError);
    expect(err).toMatchObject({ code: 'ERR_INVALID_CONFIG' });
    expect((err as Error).message).toMatch(new RegExp(`^invalid config: ${key.replace(/\./g, '\\.')}: cannot create directory .*a-file.*: (EEXIST|ENOTDIR)`));
  });

  test('an existing folder is fine', () => {
    expect(ensureOutputDir(dir, 'x')).toBe(dir);
    const nested = path.join(dir, 'n', 'm');
    ensureOutputDir(nested, 'x');
    expect(fs.statSync(nested).isDirectory()).toBe(true);
  });
});
