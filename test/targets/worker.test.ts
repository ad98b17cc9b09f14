// The targets addon in worker threads: results equal the main thread's, and terminating a worker
// while its batch is still running neither crashes nor hangs the process.
import { Worker } from 'node:worker_threads';
import { addonLocation } from '../../src/native';
import { makeDbTargets } from '../../src/targets';

const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const addon = require(workerData.file);
const { width, height, xy, offsets, mode, count, terminateEarly } = workerData;
const n = width * height;
const sample = () => ({
  xy: Float64Array.from(xy), offsets: Uint32Array.from(offsets), width, height, mode,
  shrinkRatio: 0.4, minTextSize: 8, threshMin: 0.3, threshMax: 0.7,
  shrinkMap: new Float32Array(n), shrinkMask: new Float32Array(n),
  threshMap: new Float32Array(n), threshMask: new Float32Array(n),
  ignoreOut: new Uint8Array(offsets.length - 1),
});
const samples = Array.from({ length: count }, sample);
if (terminateEarly) {
  addon.makeDbTargetsBatch(samples).then(() => parentPort.postMessage({ done: true }));
  parentPort.postMessage({ started: true });
} else {
  addon.makeDbTargetsBatch(samples).then(() => {
    let sum = 0;
    for (const v of samples[count - 1].threshMap) sum += v;
    parentPort.postMessage({ sum, shrink: Array.from(samples[0].shrinkMap.slice(0, 0)) });
  });
}
`;

const rects = [
  [30, 40, 300, 80],
  [50, 120, 250, 160],
  [10, 200, 310, 230],
];
const xy: number[] = [];
const offsets = [0];
for (const [x0, y0, x1, y1] of rects) {
  xy.push(x0 as number, y0 as number, x1 as number, y0 as number, x1 as number, y1 as number, x0 as number, y1 as number);
  offsets.push((offsets[offsets.length - 1] as number) + 4);
}

function run(data: Record<string, unknown>, onMessage: (m: Record<string, unknown>, w: Worker) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    const w = new Worker(workerSource, {
      eval: true,
      workerData: { file: addonLocation().file, width: 320, height: 240, xy, offsets, ...data },
    });
    w.on('message', (m) => onMessage(m, w));
    w.on('error', reject);
    w.on('exit', resolve);
  });
}

describe('targets in worker threads', () => {
  it('a worker computes the same threshold map as the main thread', async () => {
    let sum = Number.NaN;
    await run({ mode: 'reference', count: 2 }, (m, w) => {
      sum = m.sum as number;
      void w.terminate();
    });
    const polys = rects.map(([x0, y0, x1, y1]) => [
      [x0, y0],
      [x1, y0],
      [x1, y1],
      [x0, y1],
    ]) as [number, number][][];
    const t = makeDbTargets(polys, { width: 320, height: 240, mode: 'reference' });
    let want = 0;
    for (const v of t.threshMap) want += v;
    expect(sum).toBe(want);
  });

  it('terminating a worker with a batch in flight is safe', async () => {
    for (let i = 0; i < 3; i++) {
      const code = await run({ mode: 'reference', count: 64, terminateEarly: true }, (m, w) => {
        if (m.started) void w.terminate();
      });
      expect(code).toBe(1);
    }
    // the main thread's addon still works afterwards
    expect(makeDbTargets([[[1, 1], [20, 1], [20, 20], [1, 20]]], { width: 32, height: 32 }).ignoreTags[0]).toBe(0);
  });
});
