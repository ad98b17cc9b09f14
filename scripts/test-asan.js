#!/usr/bin/env node
/**
 * `npm run test:asan`: builds the addon with -fsanitize=address,undefined into build-asan/,
 * then
 *   1. runs the whole jest suite against that build with libasan preloaded (leak detection
 *      off: V8 and jest keep memory until exit that LSan would report),
 *   2. runs 30,000 calls of scripts/api-fuzz.js (garbage input to the public API) the same way, and
 *   3. runs scripts/asan-leak-check.js in a plain node process with leak detection ON, which
 *      exercises the addon's own code paths; leaks are filtered to frames in ocr_perfkit.node.
 * protect_shadow_gap=0: libcuda maps memory where ASan's shadow gap would be, so on a machine
 * with an NVIDIA driver (gpu-check.js ran this way on an H100) ASan must leave that range open.
 * Extra arguments are passed to jest (e.g. `npm run test:asan -- test/core`).
 */
const { execFileSync, spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const addon = path.join(root, 'build-asan', 'Release', 'ocr_perfkit.node');

function run(cmd, args, env) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) {
    process.stderr.write(`test:asan: ${cmd} ${args.join(' ')} failed (${r.status ?? r.signal})\n`);
    process.exit(r.status || 1);
  }
}

const cmakeJs = require.resolve('cmake-js/bin/cmake-js', { paths: [root] });
run(process.execPath, [cmakeJs, 'compile', '-O', 'build-asan', '--CDOPK_SANITIZE=ON']);

const libasan = execFileSync('gcc', ['-print-file-name=libasan.so'], { encoding: 'utf8' }).trim();
const libubsan = execFileSync('gcc', ['-print-file-name=libubsan.so'], { encoding: 'utf8' }).trim();
const common = {
  LD_PRELOAD: `${libasan} ${libubsan}`,
  OCR_PERFKIT_ADDON: addon,
  UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1',
};

// Two workers (each a node process that inherits the preload): 147 s here against 197 s in band
// for the whole suite, which keeps CI inside its 15 minutes.
// A worker exits once its event loop is empty; jest force-kills one still alive 500 ms after the
// end (and warns "A worker process has failed to exit gracefully"). Under ASan the worker that ran
// the in-process training (test/demo/train_job.test.ts) takes 0.5-1 s to tear down: the warning
// came 3 times in 3 with the default, never with 1 s or more, also with the uninstrumented addon
// loaded, and `--detectOpenHandles` finds no handle left open. So the sanitizer run waits longer.
run(process.execPath, [require.resolve('jest/bin/jest', { paths: [root] }), '--maxWorkers=2', '--workerGracefulExitTimeout=5000', ...process.argv.slice(2)], {
  ...common,
  ASAN_OPTIONS: 'detect_leaks=0:allow_user_segv_handler=1:detect_odr_violation=0:protect_shadow_gap=0',
});

// The public API's garbage-input fuzz: malformed arguments reach the native validation and
// error paths, where a memory error would not show without the sanitizers.
run(process.execPath, [path.join(__dirname, 'api-fuzz.js'), '--calls', '30000', '--seed', '1'], {
  ...common,
  ASAN_OPTIONS: 'detect_leaks=0:allow_user_segv_handler=1:detect_odr_violation=0:protect_shadow_gap=0',
});

run(process.execPath, [path.join(__dirname, 'asan-leak-check.js')], {
  ...common,
  ASAN_OPTIONS: 'detect_leaks=1:allow_user_segv_handler=1:detect_odr_violation=0:protect_shadow_gap=0',
  LSAN_OPTIONS: `suppressions=${path.join(__dirname, 'lsan-node.supp')}:print_suppressions=0`,
});
process.stdout.write('test:asan: jest suite, API fuzz and leak check passed under ASan/UBSan\n');
