import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isOcrPerfkitError } from '../../src/errors';
import { HOST_METRICS, ResourceSampler } from '../../src/monitor';
import { waitFor } from './fakes';

describe('ResourceSampler host source', () => {
  it('samples every host metric with plausible values and no GPU library', async () => {
    const s = new ResourceSampler({ intervalMs: 10, nvmlLibrary: '/nonexistent/libnvidia-ml.so.1' });
    expect(s.latest()).toBeNull();
    await s.start();
    await waitFor(() => s.counts().taken >= 3);
    const src = s.sources();
    expect(src.host).toEqual({ enabled: true, available: true, reason: expect.any(String) });
    expect(src.nvml.enabled).toBe(true);
    expect(src.nvml.available).toBe(false);
    expect(src.nvml.reason).toMatch(/NVML library not loaded: .*nonexistent/);
    expect(src.devices).toEqual([]);
    const x = s.latest();
    expect(x).not.toBeNull();
    const h = x!.host;
    expect(Object.keys(h)).toEqual([...HOST_METRICS]);
    expect(x!.gpus).toEqual([]);
    const rss = process.memoryUsage().rss;
    expect(h.rssBytes).toBeGreaterThan(rss * 0.5);
    expect(h.rssBytes).toBeLessThan(rss * 2);
    expect(h.sysMemTotalBytes).toBeCloseTo(os.totalmem(), -6);
    expect(h.sysMemAvailableBytes).toBeGreaterThan(0);
    expect(h.sysMemUsedBytes).toBe(h.sysMemTotalBytes! - h.sysMemAvailableBytes!);
    expect(h.cpuPercent).toBeGreaterThanOrEqual(0);
    expect(h.ctxSwitchesVoluntary).toBeGreaterThanOrEqual(process.resourceUsage().voluntaryContextSwitches * 0.5);
    expect(h.ctxSwitchesInvoluntary).toBeGreaterThanOrEqual(0);
    if (fs.existsSync('/proc/self/io')) {
      expect(h.ioReadBytes).toBeGreaterThanOrEqual(0);
      expect(h.ioWriteBytes).toBeGreaterThanOrEqual(0);
    }
    // Timestamps: monotonic clock shared with now(), wall clock close to Date.now().
    expect(x!.t).toBeLessThanOrEqual(s.now());
    expect(Math.abs(x!.wallTime - Date.now())).toBeLessThan(5000);
    await s.close();
    expect(s.running).toBe(false);
  });

  it('keeps timestamped samples in order, honours since, and summarises them', async () => {
    const s = new ResourceSampler({ intervalMs: 10, gpu: false, capacity: 1000 });
    await s.start();
    await waitFor(() => s.counts().taken >= 6);
    await s.stop();
    const all = s.samples();
    expect(all.length).toBe(s.counts().buffered);
    for (let i = 1; i < all.length; i++) expect(all[i]!.t).toBeGreaterThan(all[i - 1]!.t);
    const mid = all[3]!.t;
    const tail = s.samples(mid);
    expect(tail.length).toBe(all.length - 3);
    expect(tail[0]!.t).toBe(mid);
    // Summary against a JS computation over the same samples.
    const sum = await s.summary(mid);
    expect(sum.samples).toBe(tail.length);
    const rss = tail.map((x) => x.host.rssBytes!);
    expect(sum.host.rssBytes.mean).toBeCloseTo(rss.reduce((a, b) => a + b, 0) / rss.length, 3);
    expect(sum.host.rssBytes.min).toBe(Math.min(...rss));
    expect(sum.host.rssBytes.max).toBe(Math.max(...rss));
    const sorted = [...rss].sort((a, b) => a - b);
    const pos = 0.95 * (sorted.length - 1);
    const lo = Math.floor(pos);
    const p95 = sorted[lo]! + (sorted[Math.min(lo + 1, sorted.length - 1)]! - sorted[lo]!) * (pos - lo);
    expect(sum.host.rssBytes.p95).toBeCloseTo(p95, 3);
    expect(s.summarySync(mid)).toEqual(sum);
    // cpuPercent is null only in the very first sample.
    expect(all[0]!.host.cpuPercent).toBeNull();
    expect((await s.summary()).host.cpuPercent.count).toBe(all.length - 1);
    expect(sum.gpus).toEqual([]);
    // Restart resumes into the same buffer.
    const before = s.counts().taken;
    await s.start();
    await waitFor(() => s.counts().taken > before + 1);
    await s.close();
    await s.close();
  });

  it('drops the oldest samples when the ring is full', async () => {
    const s = new ResourceSampler({ intervalMs: 10, gpu: false, capacity: 3 });
    await s.start();
    await waitFor(() => s.counts().taken >= 6);
    await s.close();
    const c = s.counts();
    expect(c.buffered).toBe(3);
    expect(c.dropped).toBe(c.taken - 3);
    expect(s.samples().length).toBe(3);
  });

  it('stops only the host source when its files disappear mid-run', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'opk-proc-'));
    fs.mkdirSync(path.join(root, 'self'));
    for (const f of ['meminfo', 'self/statm', 'self/io']) {
      const src = `/proc/${f}`;
      fs.writeFileSync(path.join(root, f), fs.existsSync(src) ? fs.readFileSync(src) : 'read_bytes: 1\nwrite_bytes: 2\n');
    }
    const s = new ResourceSampler({ intervalMs: 10, gpu: false, procRoot: root });
    await s.start();
    await waitFor(() => s.counts().taken >= 2);
    expect(s.latest()!.host.rssBytes).toBeGreaterThan(0);
    fs.rmSync(path.join(root, 'self', 'statm'));
    await waitFor(() => !s.sources().host.available);
    expect(s.sources().host.reason).toMatch(/host source stopped: .*statm can no longer be read/);
    const taken = s.counts().taken;
    await waitFor(() => s.counts().taken > taken + 1); // the thread keeps running
    expect(s.latest()!.host.rssBytes).toBeNull();
    await s.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('reports host disabled by options', async () => {
    const s = new ResourceSampler({ host: false, gpu: false, intervalMs: 10 });
    await s.start();
    await waitFor(() => s.counts().taken >= 1);
    expect(s.sources().host).toEqual({ enabled: false, available: false, reason: 'disabled by options' });
    expect(s.latest()!.host.rssBytes).toBeNull();
    await s.close();
  });

  it('rejects a start after close with ERR_CLOSED', async () => {
    const s = new ResourceSampler({ gpu: false });
    await s.close();
    await expect(s.start()).rejects.toMatchObject({ code: 'ERR_CLOSED' });
    await s.start().catch((e) => expect(isOcrPerfkitError(e, 'ERR_CLOSED')).toBe(true));
  });
});
