import { inflateSync } from 'node:zlib';
import { encodePng, greyToPng } from '../../src/report/png';
import { axisLabels, histogram, lineChart, stackedBars, tick } from '../../src/report/svg_charts';
import { renderTrainingReport, type TrainingReportData } from '../../src/report/training_report';

function crc32(bytes: Buffer): number {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

/** An independent PNG reader: chunks, CRCs, IHDR, and unfiltered rows (filter 0 only). */
function decodePng(png: Buffer) {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  let off = 8;
  const chunks: Record<string, Buffer[]> = {};
  while (off < png.length) {
    const len = png.readUInt32BE(off);
    const type = png.toString('ascii', off + 4, off + 8);
    const data = png.subarray(off + 8, off + 8 + len);
    expect(png.readUInt32BE(off + 8 + len)).toBe(crc32(png.subarray(off + 4, off + 8 + len)));
    chunks[type] = [...(chunks[type] ?? []), data];
    off += 12 + len;
  }
  const ihdr = chunks.IHDR![0]!;
  const width = ihdr.readUInt32BE(0);
  const height = ihdr.readUInt32BE(4);
  const channels = ihdr[9] === 0 ? 1 : 3;
  const raw = inflateSync(Buffer.concat(chunks.IDAT!));
  const px: number[] = [];
  for (let y = 0; y < height; y++) {
    expect(raw[y * (width * channels + 1)]).toBe(0);
    px.push(...raw.subarray(y * (width * channels + 1) + 1, (y + 1) * (width * channels + 1)));
  }
  return { width, height, channels, px, types: Object.keys(chunks) };
}

describe('PNG encoder', () => {
  it('round-trips grey and RGB pixels through an independent reader', () => {
    const grey = new Uint8Array([0, 64, 128, 255, 1, 2]);
    const g = decodePng(encodePng(3, 2, grey, 1));
    expect(g).toMatchObject({ width: 3, height: 2, channels: 1, types: ['IHDR', 'IDAT', 'IEND'] });
    expect(g.px).toEqual([...grey]);
    const rgb = new Uint8Array([255, 0, 0, 0, 255, 0]);
    expect(decodePng(encodePng(2, 1, rgb, 3)).px).toEqual([...rgb]);
  });

  it('maps [0, 1] floats to 0..255 and clamps out-of-range values', () => {
    const g = decodePng(greyToPng(4, 1, new Float32Array([0, 0.5, 1, 2])));
    expect(g.px).toEqual([0, 128, 255, 255]);
    expect(decodePng(greyToPng(1, 1, new Float32Array([-1]))).px).toEqual([0]);
  });

  it('rejects a buffer of the wrong length', () => {
    expect(() => encodePng(2, 2, new Uint8Array(3), 1)).toThrow(RangeError);
  });
});

describe('SVG charts', () => {
  it('lineChart draws one path per series and breaks it at non-finite points', () => {
    const svg = lineChart([
      { name: 'a', color: '#f00', points: [[0, 1], [1, 2], [2, Number.NaN], [3, 4]] },
      { name: 'b', color: '#0f0', points: [[0, 3], [3, 1]] },
    ]);
    const paths = svg.match(/<path d="([^"]*)"/g)!;
    expect(paths).toHaveLength(2);
    expect(paths[0]!.match(/M/g)).toHaveLength(2); // the NaN point starts a new segment
    expect(svg).toContain('>a<');
    expect(svg).toContain('>b<');
  });

  it('charts with no finite data say so instead of drawing NaN coordinates', () => {
    for (const svg of [lineChart([{ name: 'x', color: '#000', points: [[0, Number.NaN]] }]), histogram([]), stackedBars([], [])]) {
      expect(svg).toContain('no data');
      expect(svg).not.toContain('NaN');
    }
  });

  it('histogram counts every finite value once', () => {
    const svg = histogram([1, 2, 2, 3, 3, 3, Number.POSITIVE_INFINITY], { bins: 3 });
    const counts = [...svg.matchAll(/<title>[^:]*: (\d+)<\/title>/g)].map((m) => Number(m[1]));
    expect(counts).toEqual([1, 2, 3]);
  });

  it('stackedBars stacks segments in order and skips non-finite values', () => {
    const svg = stackedBars([{ label: 'e1', values: [1, 3] }, { label: 'e2', values: [Number.NaN, 2] }], [
      { name: 'wait', color: '#f00' },
      { name: 'step', color: '#00f' },
    ]);
    // One 'wait' bar segment (e2's NaN is skipped); legend swatches are self-closing and not matched.
    expect(svg.match(/<rect x="[^"]*" y="[^"]*" width="[^"]*" height="[^"]*" fill="#f00">/g)).toHaveLength(1);
    expect(svg).toContain('wait: 1');
    expect(svg).toContain('step: 3');
    expect(svg).not.toContain('NaN');
  });

  it('axis labels get enough decimals to differ', () => {
    expect(axisLabels([0, 100])).toEqual(['0', '25', '50', '75', '100']);
    const close = axisLabels([1.1, 1.2]);
    expect(new Set(close).size).toBe(5);
    expect(close[0]).toBe('1.100');
  });

  it('tick() shortens large and small numbers', () => {
    expect(tick(0)).toBe('0');
    expect(tick(1500)).toBe('1.5k');
    expect(tick(2_500_000)).toBe('2.5M');
    expect(tick(0.0123)).toBe('0.012');
  });
});

describe('training report', () => {
  const base: TrainingReportData = {
    title: 'run <1>',
    startedAt: new Date('2026-01-01T00:00:00Z'),
    durationMs: 1234,
    environment: [['node', 'v20']],
    kpis: [{ label: 'hmean', value: '0.750', tone: 'good' }],
    verdicts: ['Compute-bound & fine'],
    trainLoss: [[1, 2], [2, 1]],
    epochs: [{ epoch: 0, samplesPerSec: 3, dataWaitMs: 1, stepMs: 10, trainLoss: 2, valLoss: 1.5 }],
    valBatchTimesMs: [1, 2, 3],
    trainStepTimesMs: [10, 11],
    examples: [
      {
        width: 8,
        height: 8,
        imagePng: greyToPng(8, 8, new Float32Array(64).fill(1)),
        probPng: greyToPng(8, 8, new Float32Array(64)),
        groundTruth: [{ points: [[1, 1], [5, 1], [5, 4], [1, 4]], ignore: false }],
        predictions: [{ points: [[1, 1], [5, 1], [5, 4], [1, 4]], score: 0.9 }],
        caption: 'page 1',
      },
    ],
    artifacts: [['metrics', '/tmp/m.jsonl']],
    config: [['job.seed', '7']],
    notes: [],
  };

  it('is one self-contained, escaped HTML document with every section', () => {
    const html = renderTrainingReport(base);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<title>run &lt;1&gt;</title>');
    expect(html).toContain('Compute-bound &amp; fine');
    expect(html).toContain('class="kpi good"');
    expect(html).toContain('score 0.90');
    expect(html.match(/data:image\/png;base64,/g)).toHaveLength(2);
    expect(html).not.toMatch(/(src|href)="https?:/); // nothing fetched from the network
    expect(html).not.toContain('NaN');
  });

  it('draws utilisation/power and memory charts for each sampled GPU, with gaps where NVML had no value', () => {
    const gpu = {
      name: 'GPU 0 · NVIDIA H100 80GB HBM3',
      utilizationPercent: [0, 100, Number.NaN],
      memoryUsedMb: [1, 533, 533],
      processMemoryMb: [0, 532, 532],
      powerWatts: [70, 281.5, 130],
    };
    const html = renderTrainingReport({ ...base, resources: { tSec: [0, 1, 2], cpuPercent: [10, 20, 30], rssMb: [100, 110, 120], gpus: [gpu] } });
    expect(html).toContain('GPU 0 · NVIDIA H100 80GB HBM3: utilisation and power (NVML)');
    expect(html).toContain('GPU 0 · NVIDIA H100 80GB HBM3: memory (NVML)');
    expect(html).toContain('this process MB');
    expect(html).not.toContain('NaN');
    const without = renderTrainingReport({ ...base, resources: { tSec: [0, 1, 2], cpuPercent: [10, 20, 30], rssMb: [100, 110, 120] } });
    expect(without).toContain('Process CPU');
    expect(without).not.toContain('(NVML)');
  });

  it('leaves out the resource charts when there are no samples and says when there are no pages', () => {
    const html = renderTrainingReport({ ...base, examples: [], resources: { tSec: [], cpuPercent: [], rssMb: [] } });
    expect(html).not.toContain('Process CPU');
    expect(html).toContain('No validation pages.');
  });
});
