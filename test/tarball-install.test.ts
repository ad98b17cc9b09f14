/**
 * User story: "npm install with prebuilt binaries". Builds the prebuild, packs the package,
 * installs the tarball into a temporary project with a PATH that holds only node, npm and sh
 * (no cmake, make, g++ or cc), and loads it there, also with PREBUILDS_ONLY=1.
 *
 * Runs in `npm run test:tarball` (and .ci/run), not in the default `npm test`: it takes a minute.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..');

function which(cmd: string): string {
  return execFileSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).trim();
}

describe('npm install from the packed tarball uses the prebuilt binary', () => {
  let work: string;
  let project: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'opk-tarball-'));
    execFileSync(process.execPath, [path.join(root, 'scripts', 'make-prebuild.js')], { cwd: root, stdio: 'pipe' });
    const packed = execFileSync('npm', ['pack', '--silent', '--pack-destination', work], {
      cwd: root,
      encoding: 'utf8',
    })
      .trim()
      .split('\n')
      .pop()!;
    const tarball = path.join(work, packed);

    // A PATH with nothing but node, npm and sh.
    const bin = path.join(work, 'bin');
    fs.mkdirSync(bin);
    fs.symlinkSync(process.execPath, path.join(bin, 'node'));
    fs.symlinkSync(fs.realpathSync(which('npm')), path.join(bin, 'npm'));
    fs.symlinkSync(which('sh'), path.join(bin, 'sh'));
    env = {
      HOME: process.env.HOME,
      PATH: bin,
      npm_config_cache: process.env.npm_config_cache ?? path.join(os.homedir(), '.npm'),
    };
    for (const tool of ['cmake', 'make', 'g++', 'cc', 'c++', 'gcc']) {
      expect(() => execFileSync('sh', ['-c', `command -v ${tool}`], { env, stdio: 'pipe' })).toThrow();
    }

    project = path.join(work, 'app');
    fs.mkdirSync(project);
    fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
    execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--foreground-scripts', tarball], {
      cwd: project,
      env,
      stdio: 'pipe',
    });
  });

  afterAll(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  const probe = `
    const opk = require('ocr-perfkit');
    const loc = opk.addonLocation();
    console.log(JSON.stringify({ loc, info: opk.getNative().buildInfo() }));
  `;

  it('the tarball ships the prebuild and the sources, not build outputs', () => {
    const pkgDir = path.join(project, 'node_modules', 'ocr-perfkit');
    expect(fs.existsSync(path.join(pkgDir, 'prebuilds', 'linux-x64', 'ocr_perfkit.napi.glibc.node'))).toBe(true);
    expect(fs.existsSync(path.join(pkgDir, 'dist', 'index.d.ts'))).toBe(true);
    expect(fs.existsSync(path.join(pkgDir, 'CMakeLists.txt'))).toBe(true);
    expect(fs.existsSync(path.join(pkgDir, 'build'))).toBe(false);
  });

  it('loads the prebuild without a compiler on PATH', () => {
    const out = JSON.parse(execFileSync('node', ['-e', probe], { cwd: project, env, encoding: 'utf8' }));
    expect(out.loc.kind).toBe('prebuild');
    expect(out.loc.file).toContain(path.join('prebuilds', 'linux-x64'));
    expect(out.info.buildType).toBe('release');
  });

  it('loads with PREBUILDS_ONLY=1', () => {
    const out = JSON.parse(
      execFileSync('node', ['-e', probe], { cwd: project, env: { ...env, PREBUILDS_ONLY: '1' }, encoding: 'utf8' }),
    );
    expect(out.loc.kind).toBe('prebuild');
  });

  it('the ocr-perfkit bin runs doctor and says the prebuilt binary is used', () => {
    const out = execFileSync(path.join(project, 'node_modules', '.bin', 'ocr-perfkit'), ['doctor'], {
      cwd: project,
      env,
      encoding: 'utf8',
    });
    expect(out).toMatch(/native addon\s+prebuilt binary: .*prebuilds\/linux-x64\/ocr_perfkit\.napi\.glibc\.node/);
  });
});
