const os = require('node:os');

/** @type {import('jest').Config} */
module.exports = {
  // jest's default is one worker less than the cores, so one on a 2-core machine; two run the
  // suite there in about 60 s instead of 110 s. More cores keep the default.
  maxWorkers: Math.max(2, os.availableParallelism() - 1),
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  // The tarball test packs and installs the whole package: it runs in `npm run test:tarball`
  // (and in .ci/run), not in every `npm test`.
  testPathIgnorePatterns: ['/node_modules/', 'tarball-install'],
  testTimeout: 60000,
  // jest force-exits a worker that has not exited 500 ms after the run (and prints "A worker
  // process has failed to exit gracefully"). A worker that loaded tfjs and the addon's threads
  // needed longer under load: seen once in CI (session 21) and reproduced with a busy loop on
  // one of the two cores beside the suite; which worker it was is not identified, and
  // --detectOpenHandles found no open handle (session 20). Waiting up to 5 s is the same
  // allowance as the sanitizer run's (scripts/test-asan.js).
  workerGracefulExitTimeout: 5000,
};
