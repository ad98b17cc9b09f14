#!/usr/bin/env node
/**
 * `npm run prebuilds`: builds a stripped release addon and places it where node-gyp-build
 * looks for prebuilt binaries: prebuilds/<platform>-<arch>/ocr_perfkit.napi.<libc>.node.
 * The file is a build output: git ignores it, `npm pack` ships it (package.json `files`).
 *
 * Portable glibc builds: when `.sysroot/debian11` exists (`bash scripts/make-sysroot.sh`, or a
 * sysroot named by OCR_PERFKIT_SYSROOT), the addon is linked against that older glibc (2.31), so
 * it loads on Ubuntu 20.04, Debian 11, RHEL 9 and newer rather than only on the build machine's
 * glibc. Either way the script prints the newest glibc symbol version the binary needs; with a
 * sysroot it fails if that is newer than the sysroot's glibc, or if the binary needs a libc symbol
 * without a version (one the sysroot lacks, which would fail at load time on older systems).
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');

function libcTag() {
  if (process.platform !== 'linux') return null;
  const report = process.report?.getReport?.();
  return report?.header?.glibcVersionRuntime ? 'glibc' : 'musl';
}

/** The sysroot to link against, or null: OCR_PERFKIT_SYSROOT, else .sysroot/debian11 if present. */
function sysroot() {
  if (process.platform !== 'linux' || libcTag() !== 'glibc') return null;
  const dir = process.env.OCR_PERFKIT_SYSROOT || path.join(root, '.sysroot', 'debian11');
  return fs.existsSync(path.join(dir, 'usr', 'include', 'stdio.h')) ? path.resolve(dir) : null;
}

/** "2.31" from a sysroot's lib/<arch>/libc-2.31.so, or null. */
function sysrootGlibc(dir) {
  for (const sub of ['lib/x86_64-linux-gnu', 'lib/aarch64-linux-gnu', 'lib64', 'lib']) {
    const d = path.join(dir, sub);
    if (!fs.existsSync(d)) continue;
    const m = fs.readdirSync(d).map((f) => /^libc-(\d+\.\d+)\.so$/.exec(f)).find(Boolean);
    if (m) return m[1];
  }
  return null;
}

const versionKey = (v) => v.split('.').map(Number);
const newer = (a, b) => {
  const [x, y] = [versionKey(a), versionKey(b)];
  return x[0] !== y[0] ? x[0] > y[0] : x[1] > y[1];
};

/**
 * What the binary asks of the C library: the newest GLIBC_x.y symbol version, and the libc
 * symbols it needs without a version (napi_* come from Node; weak ones may be absent).
 */
function glibcNeeds(file) {
  const dump = execFileSync('objdump', ['-T', file], { encoding: 'utf8' });
  let newest = null;
  const unversioned = [];
  for (const line of dump.split('\n')) {
    if (!line.includes('*UND*')) continue;
    const v = /\(?GLIBC_(\d+\.\d+(?:\.\d+)?)\)?/.exec(line);
    if (v) {
      if (!newest || newer(v[1], newest)) newest = v[1];
      continue;
    }
    if (/\(?(GCC|GLIBCXX|CXXABI)_[\d.]+\)?/.test(line)) continue;
    const weak = /\s+w\s+/.test(line.slice(16, 24));
    const name = line.trim().split(/\s+/).pop();
    if (!weak && !/^(napi_|node_api_|uv_)/.test(name)) unversioned.push(name);
  }
  return { newest, unversioned };
}

function main() {
  const cmakeJs = require.resolve('cmake-js/bin/cmake-js', { paths: [root] });
  const sr = sysroot();
  const buildDir = sr ? 'build-prebuild-sysroot' : 'build-prebuild';
  const args = [cmakeJs, 'compile', '-O', buildDir, '--config', 'Release'];
  if (sr) args.push(`--CDCMAKE_SYSROOT=${sr}`);
  execFileSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  const built = path.join(root, buildDir, 'Release', 'ocr_perfkit.node');
  const dir = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`);
  fs.mkdirSync(dir, { recursive: true });
  const tags = ['napi', libcTag()].filter(Boolean).join('.');
  const target = path.join(dir, `ocr_perfkit.${tags}.node`);
  fs.copyFileSync(built, target);
  if (process.platform === 'linux') execFileSync('strip', ['--strip-unneeded', target], { stdio: 'inherit' });
  const kb = (fs.statSync(target).size / 1024).toFixed(0);
  process.stdout.write(`prebuild: ${path.relative(root, target)} (${kb} KiB)\n`);
  if (libcTag() !== 'glibc') return;
  let needs;
  try {
    needs = glibcNeeds(target);
  } catch {
    process.stdout.write('prebuild: objdump not found, glibc requirement not checked\n');
    return;
  }
  const against = sr ? `linked against glibc ${sysrootGlibc(sr) ?? '?'} (${path.relative(root, sr)})` : 'linked against this machine\'s glibc; run scripts/make-sysroot.sh for a portable build';
  process.stdout.write(`prebuild: needs glibc >= ${needs.newest ?? '?'}, ${against}\n`);
  if (sr) {
    const have = sysrootGlibc(sr);
    const problems = [];
    if (have && needs.newest && newer(needs.newest, have)) problems.push(`needs GLIBC_${needs.newest} > ${have}`);
    if (needs.unversioned.length) problems.push(`unversioned libc symbols: ${needs.unversioned.join(', ')}`);
    if (problems.length) throw new Error(`prebuild is not portable: ${problems.join('; ')}`);
  }
}

main();
