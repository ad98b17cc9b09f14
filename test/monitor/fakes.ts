/**
 * Test helper: compiles the fake NVML/CUPTI C sources of test/fixtures into shared libraries
 * under os.tmpdir() (one folder per test file and process, so each file gets its own copy and
 * its own library state), and writes their control files atomically.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const FIXTURES = path.resolve(__dirname, '..', 'fixtures');

export interface FakeDir {
  dir: string;
  /** Compiles `source` (a file in test/fixtures) with -D`defines` into `name`, returns its path. */
  compile(source: string, name: string, defines?: string[]): string;
  /** Writes `lines` to the library's control file `<lib>.ctl` through a rename (new inode). */
  control(lib: string, lines: string[]): string;
  cleanup(): void;
}

export function makeFakeDir(tag: string): FakeDir {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `opk-${tag}-${process.pid}-`));
  let seq = 0;
  return {
    dir,
    compile(source, name, defines = []) {
      const out = path.join(dir, name);
      const args = ['-shared', '-fPIC', '-O1', ...defines.map((d) => `-D${d}`), '-o', out, path.join(FIXTURES, source), '-ldl'];
      execFileSync('cc', args, {
        stdio: 'pipe',
        // the compiler must not inherit a sanitizer preload from an ASan test run
        env: { ...process.env, LD_PRELOAD: '', ASAN_OPTIONS: '', LSAN_OPTIONS: '' },
      });
      return out;
    },
    control(lib, lines) {
      const target = `${lib}.ctl`;
      const tmp = `${target}.${seq++}.tmp`;
      fs.writeFileSync(tmp, `${lines.join('\n')}\n`);
      fs.renameSync(tmp, target);
      return target;
    },
    cleanup() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Resolves after `ms`. */
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `fn` every 10 ms until it returns true (rejects after `timeoutMs`). */
export async function waitFor(fn: () => boolean, timeoutMs = 5000): Promise<void> {
  const t0 = Date.now();
  while (!fn()) {
    if (Date.now() - t0 > timeoutMs) throw new Error('condition not met in time');
    await sleep(10);
  }
}
