import { PrometheusLogger, prometheusName, prometheusValue } from '../../src/loggers/prometheus';

async function scrape(logger: PrometheusLogger, urlPath = '/metrics'): Promise<{ status: number; type: string | null; body: string }> {
  const { port } = await logger.address();
  const res = await fetch(`http://127.0.0.1:${port}${urlPath}`);
  return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
}

describe('PrometheusLogger', () => {
  it('serves the last value of every metric as gauges in the text format', async () => {
    const logger = new PrometheusLogger({ port: 0, runLabel: 'r"1' });
    try {
      logger.logMetrics({ 'train/loss': 0.5, 'throughput/samples_per_second': 12 }, 3);
      logger.logMetrics({ 'train/loss': 0.25, 'val/loss': Number.NaN, weird: Number.POSITIVE_INFINITY }, 4);
      const r = await scrape(logger);
      expect(r.status).toBe(200);
      expect(r.type).toBe('text/plain; version=0.0.4; charset=utf-8');
      const samples = Object.fromEntries(
        r.body
          .split('\n')
          .filter((l) => l && !l.startsWith('#'))
          .map((l) => {
            const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{run="r\\"1"\} (\S+)$/.exec(l);
            if (!m) throw new Error(`bad sample line: ${l}`);
            return [m[1], m[2]];
          }),
      );
      expect(samples).toEqual({
        ocr_perfkit_step: '4',
        ocr_perfkit_train_loss: '0.25',
        ocr_perfkit_throughput_samples_per_second: '12',
        ocr_perfkit_val_loss: 'NaN',
        ocr_perfkit_weird: '+Inf',
      });
      expect(r.body).toContain('# TYPE ocr_perfkit_train_loss gauge');
      expect((await scrape(logger, '/')).status).toBe(404);
    } finally {
      await logger.close();
    }
  });

  it('names and values follow the exposition format', () => {
    expect(prometheusName('performance/val_batch_p95')).toBe('performance_val_batch_p95');
    expect(prometheusName('9lives')).toBe('_9lives');
    expect(prometheusValue(Number.NEGATIVE_INFINITY)).toBe('-Inf');
    expect(prometheusValue(1e-7)).toBe('1e-7');
  });

  it('a port in use rejects address() and bad options are coded errors', async () => {
    const a = new PrometheusLogger({ port: 0 });
    const { port } = await a.address();
    const b = new PrometheusLogger({ port });
    await expect(b.address()).rejects.toMatchObject({ code: 'EADDRINUSE' });
    // ...and the next logMetrics throws it, so a LoggerGroup reports the sink once and drops it.
    expect(() => b.logMetrics({ x: 1 }, 0)).toThrow(expect.objectContaining({ code: 'EADDRINUSE' }));
    await a.close();
    await b.close();
    expect(() => new PrometheusLogger({ port: 70000 })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_CONFIG' }));
  });
});
