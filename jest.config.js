/** @type {import('jest').Config} */
module.exports = {
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
