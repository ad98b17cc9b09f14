/** Output folders named by config keys (log files, traces, the main job's run folder). */
import * as fs from 'node:fs';
import { OcrPerfkitRangeError } from '../errors';

/**
 * Creates `dir` and its parents. One that cannot be made (a file in the way, no permission) is
 * an `ERR_INVALID_CONFIG` error naming the config key `where`, not a bare `EEXIST`/`EACCES`.
 */
export function ensureOutputDir(dir: string, where: string): string {
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new OcrPerfkitRangeError(`invalid config: ${where}: cannot create directory ${dir}: ${why}`, 'ERR_INVALID_CONFIG');
  }
  return dir;
}
