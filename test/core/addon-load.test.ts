import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { addonLocation, getNative } from '../../src/native';

// Code run in a worker thread: loads the addon through the package's own loader (compiled
// on the fly by requiring the TS sources through @swc/register is not available, so the
// worker requires the .node file the main thread resolved and registers the error classes
// by hand, exactly as src/native.ts does).
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const addon = require(workerData.file);
class TE extends TypeError { constructor(m, c) { super(m); this.code = c; this.fromWorker = true; } }
class RE extends RangeError { constructor(m, c) { super(m); this.code = c; this.fromWorker = true; } }
class E extends Error { constructor(m, c) { super(m); this.code = c; this.fromWorker = true; } }
addon.setErrorClasses({ TypeError: TE, RangeError: RE, Error: E });
let err;
try { addon.debugThrow('range'); } catch (e) { err = e; }
parentPort.postMessage({
  version: addon.buildInfo().version,
  live: addon.liveEnvironments(),
  errCode: err.code,
  errIsRange: err instanceof RangeError,
  errFromWorker: err.fromWorker === true,
});
`;

function runWorker(file: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const w = new Worker(workerSource, { eval: true, workerData: { file } });
    w.once('message', (m) => resolve(m as Record<string, unknown>));
    w.once('error', reject);
    w.once('exit', (code) => code !== 0 && reject(new Error(`worker exited with ${code}`)));
  });
}

describe('addon loading in several environments', () => {
  it('loads in the main thread and reports where from', () => {
    const loc = addonLocation();
    expect(path.isAbsolute(loc.file)).toBe(true);
    expect(['prebuild', 'local-build', 'override']).toContain(loc.kind);
    expect(getNative().buildInfo().buildType).toMatch(/release|debug/);
  });

  it('loads in two worker threads at once, each with its own error classes', async () => {
    const file = addonLocation().file;
    const results = await Promise.all([runWorker(file), runWorker(file)]);
    for (const r of results) {
      expect(r.version).toBe(getNative().buildInfo().version);
      expect(r.errCode).toBe('ERR_OUT_OF_RANGE');
      expect(r.errIsRange).toBe(true);
      expect(r.errFromWorker).toBe(true);
      expect(r.live as number).toBeGreaterThanOrEqual(2);
    }
    // The main environment's error classes are untouched by the workers' registrations.
    try {
      getNative().debugThrow('range');
    } catch (err) {
      expect((err as { fromWorker?: boolean }).fromWorker).toBeUndefined();
      expect((err as Error).name).toBe('OcrPerfkitRangeError');
    }
  });

  it('loads again in fresh module registries (jest contexts)', () => {
    const versions: string[] = [];
    for (let i = 0; i < 3; i++) {
      jest.isolateModules(() => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const fresh = require('../../src/native') as typeof import('../../src/native');
        versions.push(fresh.getNative().buildInfo().version);
        expect(() => fresh.getNative().debugThrow('type')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
      });
    }
    expect(new Set(versions).size).toBe(1);
  });
});
