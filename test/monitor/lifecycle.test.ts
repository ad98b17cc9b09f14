import * as fs from 'node:fs';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { ResourceSampler } from '../../src/monitor';
import { sleep, waitFor } from './fakes';

const threads = () => fs.readdirSync('/proc/self/task').length;

describe('sampler thread lifecycle', () => {
  it('starts one thread and joins it on stop and close', async () => {
    await fs.promises.readFile(__filename); // the libuv pool exists before counting threads
    await sleep(50);
    const base = threads();
    const s = new ResourceSampler({ intervalMs: 10, gpu: false });
    await s.start();
    expect(threads()).toBe(base + 1);
    await s.start(); // already running: no second thread
    expect(threads()).toBe(base + 1);
    await s.stop();
    expect(threads()).toBe(base);
    await s.start();
    expect(threads()).toBe(base + 1);
    await s.close();
    expect(threads()).toBe(base);
  });

  it('stops the thread when an unreferenced sampler is garbage-collected', async () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    await sleep(50);
    const base = threads();
    await (async () => {
      const s = new ResourceSampler({ intervalMs: 10, gpu: false });
      await s.start();
    })();
    expect(threads()).toBe(base + 1);
    await waitFor(() => {
      gc();
      return threads() === base;
    });
    expect(threads()).toBe(base);
  });

  it('latest() and summary() are consistent while the thread writes at 10 ms', async () => {
    const s = new ResourceSampler({ intervalMs: 10, gpu: false, capacity: 50 });
    await s.start();
    const t0 = Date.now();
    let last = 0;
    while (Date.now() - t0 < 200) {
      const x = s.latest();
      if (x) {
        expect(x.t).toBeGreaterThanOrEqual(last);
        last = x.t;
        expect(x.host.rssBytes).toBeGreaterThan(0);
      }
      await sleep(1);
    }
    const sum = await s.summary();
    expect(sum.samples).toBeLessThanOrEqual(50);
    expect(sum.host.rssBytes.count).toBe(sum.samples);
    await s.close();
  });
});
