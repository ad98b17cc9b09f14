#!/usr/bin/env node
/**
 * `npm run prebuilds`: builds a stripped release addon and places it where node-gyp-build
 * looks for prebuilt binaries: prebuilds/<platform>-<arch>/ocr_perfkit.napi.<libc>.node.
 * The file is a build output: git ignores it, `npm pack` ships it (package.json `files`).
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const buildDir = 'build-prebuild';

function libcTag() {
  if (process.platform !== 'linux') return null;
  const report = process.report?.getReport?.();
  return report?.header?.glibcVersionRuntime ? 'glibc' : 'musl';
}

function main() {
  const cmakeJs = require.resolve('cmake-js/bin/cmake-js', { paths: [root] });
  execFileSync(process.execPath, [cmakeJs, 'compile', '-O', buildDir, '--config', 'Release'], {
    cwd: root,
    stdio: 'inherit',
  });
  const built = path.join(root, buildDir, 'Release', 'ocr_perfkit.node');
  const dir = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`);
  fs.mkdirSync(dir, { recursive: true });
  const tags = ['napi', libcTag()].filter(Boolean).join('.');
  const target = path.join(dir, `ocr_perfkit.${tags}.node`);
  fs.copyFileSync(built, target);
  if (process.platform === 'linux') execFileSync('strip', ['--strip-unneeded', target], { stdio: 'inherit' });
  const kb = (fs.statSync(target).size / 1024).toFixed(0);
  process.stdout.write(`prebuild: ${path.relative(root, target)} (${kb} KiB)\n`);
}

main();
