// Worker of bench/cache.bench.js: runs `ops` get (95% hits) / set-on-miss calls against a
// shared named cache (PolygonCache from dist/), then reports its wall time.
const { parentPort, workerData } = require('node:worker_threads');
const { getCache } = require('../dist/cache');

const cache = getCache(workerData.name);
const { ops, hot, id } = workerData;
const key = new Float64Array(8);
const value = new Float64Array(24);
for (let i = 0; i < 8; i++) key[i] = i * 1.5;

parentPort.once('message', () => {
  let fresh = 1e9 + id * 1e8;
  let seed = 12345 + id;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < ops; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    key[0] = (seed >>> 8) % 100 < 95 ? (seed >>> 4) % hot : fresh++;
    if (cache.get(key, 'offset:d=1.5') === undefined) cache.set(key, 'offset:d=1.5', value);
  }
  const ns = Number(process.hrtime.bigint() - t0);
  parentPort.postMessage({ ns });
});
parentPort.postMessage('ready');
