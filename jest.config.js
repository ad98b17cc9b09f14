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
};
