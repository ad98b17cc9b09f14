import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { getNative } from '../../src/native';
import { addonPath } from './helpers';

const root = path.resolve(__dirname, '..', '..');

function runScript(script: string, args: string[], env: NodeJS.ProcessEnv = {}): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, ['--expose-gc', path.join(root, 'scripts', script), ...args], {
    env: { ...process.env, OCR_PERFKIT_ADDON: addonPath(), ...env },
    encoding: 'utf8',
    timeout: 60000,
  });
  return { status: r.status, out: `${r.stdout}\n${r.stderr}` };
}

// Short runs of the measurement scripts (the full 1M-entry / 10M-op runs are reported by hand).
describe('cache measurement scripts', () => {
  // 200k entries: the block heap commits memory in 2 MiB regions, so a much smaller run would measure
  // the region granularity rather than the accounting.
  test('cache-memory: stats().bytes within 5% of native heap growth (200k entries)', () => {
    const r = runScript('cache-memory.js', ['--entries', '200000']);
    const sanitized = getNative().buildInfo().sanitizers;
    expect(r.out).toContain(sanitized ? 'not applicable to a sanitizer build' : 'cache-memory: OK');
    expect(r.status).toBe(0);
  });

  test('cache-memory with entries on malloc (OCR_PERFKIT_CACHE_HUGE_PAGES=0): the same accounting', () => {
    const r = runScript('cache-memory.js', ['--entries', '200000'], { OCR_PERFKIT_CACHE_HUGE_PAGES: '0' });
    const sanitized = getNative().buildInfo().sanitizers;
    expect(r.out).toContain(sanitized ? 'not applicable to a sanitizer build' : 'cache-memory: OK');
    expect(r.status).toBe(0);
  });

  test('cache-soak: short churn run keeps the invariants', () => {
    const r = runScript('cache-soak.js', ['--ops', '100000', '--max-bytes', '2000000']);
    expect(r.out).toContain('cache-soak: OK');
    expect(r.status).toBe(0);
  });
});
