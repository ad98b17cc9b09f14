// The batch API: same bits as the synchronous call, writes into caller buffers, runs on the pool
// without blocking the event loop, and an empty batch resolves.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { makeDbTargets, makeDbTargetsAsync, makeDbTargetsBatch, targetsThreadCount } from '../../src/targets';

const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures/dbtargets-manifest.json'), 'utf8'));
const big = manifest.images.find((c: { name: string }) => c.name === 'N100_00');

describe('makeDbTargetsBatch', () => {
  it('matches makeDbTargets for both modes', async () => {
    const samples = manifest.images.flatMap((c: { input_polygons: unknown; width: number; height: number }) =>
      (['exact', 'reference'] as const).map((mode) => ({
        polygons: c.input_polygons as never,
        options: { width: c.width, height: c.height, mode },
      })),
    );
    const batch = await makeDbTargetsBatch(samples);
    expect(batch).toHaveLength(samples.length);
    batch.forEach((r, i) => {
      const s = makeDbTargets(samples[i].polygons, samples[i].options);
      expect(Buffer.compare(Buffer.from(r.threshMap.buffer), Buffer.from(s.threshMap.buffer))).toBe(0);
      expect(Buffer.compare(Buffer.from(r.shrinkMap.buffer), Buffer.from(s.shrinkMap.buffer))).toBe(0);
      expect(Buffer.compare(Buffer.from(r.threshMask.buffer), Buffer.from(s.threshMask.buffer))).toBe(0);
      expect(Buffer.compare(Buffer.from(r.shrinkMask.buffer), Buffer.from(s.shrinkMask.buffer))).toBe(0);
      expect(Array.from(r.ignoreTags)).toEqual(Array.from(s.ignoreTags));
    });
  });

  it('writes into preallocated buffers (overwriting old contents)', async () => {
    const n = big.width * big.height;
    const out = {
      shrinkMap: new Float32Array(n).fill(7),
      shrinkMask: new Float32Array(n).fill(7),
      threshMap: new Float32Array(n).fill(7),
      threshMask: new Float32Array(n).fill(7),
      ignoreTags: new Uint8Array(big.input_polygons.length).fill(7),
    };
    const [r] = await makeDbTargetsBatch([
      { polygons: big.input_polygons, options: { width: big.width, height: big.height, mode: 'reference', out } },
    ]);
    expect(r?.threshMap).toBe(out.threshMap);
    expect(r?.ignoreTags).toBe(out.ignoreTags);
    const s = makeDbTargets(big.input_polygons, { width: big.width, height: big.height, mode: 'reference' });
    expect(Buffer.compare(Buffer.from(out.threshMap.buffer), Buffer.from(s.threshMap.buffer))).toBe(0);
    expect(Array.from(out.ignoreTags)).toEqual(big.ref_ignore_tags_final);
  });

  it('keeps the event loop running while the pool works', async () => {
    const samples = Array.from({ length: 24 }, () => ({
      polygons: big.input_polygons,
      options: { width: big.width, height: big.height, mode: 'reference' as const },
    }));
    let settled = false;
    let ticksWhilePending = 0;
    const p = makeDbTargetsBatch(samples).then((r) => {
      settled = true;
      return r;
    });
    await new Promise<void>((resolve) => {
      const tick = () => {
        if (settled) return resolve();
        ticksWhilePending++;
        setImmediate(tick);
      };
      setImmediate(tick);
    });
    expect(ticksWhilePending).toBeGreaterThan(0);
    expect(await p).toHaveLength(24);
  });

  it('resolves an empty batch, single async calls and reports the thread count', async () => {
    await expect(makeDbTargetsBatch([])).resolves.toEqual([]);
    const r = await makeDbTargetsAsync([[[10, 10], [50, 10], [50, 40], [10, 40]]], { width: 64, height: 64 });
    expect(r.shrinkMap.some((v) => v === 1)).toBe(true);
    // One pool thread per core this process may run on, as Node counts them.
    expect(targetsThreadCount()).toBe(os.availableParallelism());
  });
});
