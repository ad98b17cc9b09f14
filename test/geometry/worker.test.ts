// The geometry addon in worker threads: offsetBatchAsync there equals the main thread's result,
// and terminating a worker while a large batch is still running neither crashes nor hangs.
import { Worker } from 'node:worker_threads';
import { offsetBatch, shrinkBatch } from '../../src/geometry';
import { addonLocation } from '../../src/native';

const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const addon = require(workerData.file);
const { coords, ringOffsets, repeat, terminateEarly } = workerData;
const c = new Float64Array(coords.length * repeat);
const r = new Uint32Array((ringOffsets.length - 1) * repeat + 1);
const pts = coords.length / 2;
for (let k = 0; k < repeat; k++) {
  c.set(coords, k * coords.length);
  for (let i = 1; i < ringOffsets.length; i++) r[k * (ringOffsets.length - 1) + i] = ringOffsets[i] + k * pts;
}
const p = addon.geomOffsetBatchAsync(c, r, null, 0.4, { kind: 'shrink' });
if (terminateEarly) parentPort.postMessage({ started: true });
p.then((res) => parentPort.postMessage({ coords: Array.from(res.coords.slice(0, 64)), rings: res.polygonRings.length }));
`;

const coords = [30, 40, 300, 40, 300, 80, 30, 80, 50, 120, 250, 125, 245, 160, 52, 158];
const ringOffsets = [0, 4, 8];

function runWorker(data: Record<string, unknown>): Promise<{ worker: Worker; first: Promise<unknown> }> {
  const worker = new Worker(workerSource, { eval: true, workerData: { file: addonLocation().file, ...data } });
  const first = new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return Promise.resolve({ worker, first });
}

describe('geometry in worker threads', () => {
  test('offsetBatchAsync in a worker equals the main thread', async () => {
    const { worker, first } = await runWorker({ coords, ringOffsets, repeat: 1 });
    const msg = (await first) as { coords: number[]; rings: number };
    await worker.terminate();
    // the same job on the main thread: DB shrink r = 0.4
    const want = Array.from(shrinkBatch({ coords: new Float64Array(coords), ringOffsets: new Uint32Array(ringOffsets) }).coords);
    expect(msg.coords).toEqual(want.slice(0, 64));
    expect(msg.rings).toBe(3);
  });

  test('terminating a worker with a batch in flight does not crash or hang', async () => {
    const { worker, first } = await runWorker({ coords, ringOffsets, repeat: 20000, terminateEarly: true });
    await first;
    await worker.terminate();
    // the process is still healthy
    const res = offsetBatch({ coords: new Float64Array(coords), ringOffsets: new Uint32Array(ringOffsets), deltas: -1 });
    expect(res.polygonRings.length).toBe(3);
  });
});
