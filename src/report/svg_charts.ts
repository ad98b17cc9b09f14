/**
 * Small dependency-free SVG charts for the training report: line charts (several series),
 * stacked bars and histograms. Each returns an `<svg>` string sized by its options.
 */

/** One named series of (x, y) points. */
export interface Series {
  name: string;
  points: ReadonlyArray<readonly [number, number]>;
  /** CSS colour. */
  color: string;
}

/** Common chart options. */
export interface ChartOptions {
  /** Width of the SVG in pixels (its viewBox width); default 460. */
  width?: number;
  /** Height of the SVG in pixels (its viewBox height); default 220. */
  height?: number;
  /** Label of the x axis. */
  xLabel?: string;
  /** Label of the y axis. */
  yLabel?: string;
}

const PAD = { left: 52, right: 12, top: 14, bottom: 34 };

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A short label for an axis value. */
export function tick(v: number): string {
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (a >= 1e6) return `${(v / 1e6).toFixed(1)}M`;
  if (a >= 1e3) return `${(v / 1e3).toFixed(a >= 1e4 ? 0 : 1)}k`;
  if (a >= 10) return v.toFixed(0);
  if (a >= 1) return v.toFixed(1);
  return v.toPrecision(2);
}

function niceRange(lo: number, hi: number): [number, number] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  if (lo === hi) return lo === 0 ? [0, 1] : [Math.min(0, lo), Math.max(0, hi) * 1.1 || 1];
  const pad = (hi - lo) * 0.05;
  return [lo >= 0 && lo - pad < 0 ? 0 : lo - pad, hi + pad];
}

/** Labels for `n + 1` evenly spaced ticks over `r`, with enough decimals to tell them apart. */
export function axisLabels(r: [number, number], n = 4): string[] {
  const values = Array.from({ length: n + 1 }, (_, i) => r[0] + ((r[1] - r[0]) * i) / n);
  const plain = values.map(tick);
  if (new Set(plain).size === plain.length) return plain;
  const step = (r[1] - r[0]) / n;
  const decimals = Math.min(6, Math.max(0, Math.ceil(-Math.log10(step)) + 1));
  return values.map((v) => v.toFixed(decimals));
}

function frame(w: number, h: number, xr: [number, number], yr: [number, number], o: ChartOptions): string[] {
  const out: string[] = [];
  const pw = w - PAD.left - PAD.right;
  const ph = h - PAD.top - PAD.bottom;
  const yl = axisLabels(yr);
  const xl = axisLabels(xr);
  for (let i = 0; i <= 4; i++) {
    const y = PAD.top + ph - (ph * i) / 4;
    out.push(`<line x1="${PAD.left}" x2="${PAD.left + pw}" y1="${y}" y2="${y}" class="grid"/>`);
    out.push(`<text x="${PAD.left - 6}" y="${y + 4}" text-anchor="end" class="tick">${yl[i]}</text>`);
  }
  for (let i = 0; i <= 4; i++) {
    const x = PAD.left + (pw * i) / 4;
    out.push(`<text x="${x}" y="${PAD.top + ph + 16}" text-anchor="middle" class="tick">${xl[i]}</text>`);
  }
  if (o.xLabel) out.push(`<text x="${PAD.left + pw / 2}" y="${h - 4}" text-anchor="middle" class="label">${esc(o.xLabel)}</text>`);
  if (o.yLabel) {
    out.push(
      `<text x="12" y="${PAD.top + ph / 2}" text-anchor="middle" class="label" transform="rotate(-90 12 ${PAD.top + ph / 2})">${esc(o.yLabel)}</text>`,
    );
  }
  return out;
}

function legend(series: ReadonlyArray<{ name: string; color: string }>, w: number): string {
  let x = w - PAD.right;
  const items: string[] = [];
  for (const s of [...series].reverse()) {
    const tw = s.name.length * 6.2 + 18;
    x -= tw;
    items.push(
      `<rect x="${x}" y="2" width="10" height="10" fill="${s.color}"/><text x="${x + 14}" y="11" class="tick">${esc(s.name)}</text>`,
    );
  }
  return items.join('');
}

/** Line chart of one or more series. Non-finite points are skipped (gaps). */
export function lineChart(series: Series[], o: ChartOptions = {}): string {
  const w = o.width ?? 460;
  const h = o.height ?? 220;
  const pts = series.flatMap((s) => s.points).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  if (pts.length === 0) return emptyChart(w, h, 'no data');
  const xr = niceRange(Math.min(...pts.map((p) => p[0])), Math.max(...pts.map((p) => p[0])));
  const yr = niceRange(Math.min(...pts.map((p) => p[1])), Math.max(...pts.map((p) => p[1])));
  const pw = w - PAD.left - PAD.right;
  const ph = h - PAD.top - PAD.bottom;
  const sx = (x: number) => PAD.left + ((x - xr[0]) / (xr[1] - xr[0])) * pw;
  const sy = (y: number) => PAD.top + ph - ((y - yr[0]) / (yr[1] - yr[0])) * ph;
  const body = frame(w, h, xr, yr, o);
  for (const s of series) {
    let d = '';
    let pen = false;
    for (const [x, y] of s.points) {
      if (!Number.isFinite(x) || !Number.isFinite(y)) {
        pen = false;
        continue;
      }
      d += `${pen ? 'L' : 'M'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`;
      pen = true;
    }
    body.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.8"/>`);
    if (s.points.length <= 40) {
      for (const [x, y] of s.points) {
        if (Number.isFinite(x) && Number.isFinite(y)) {
          body.push(`<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="2.5" fill="${s.color}"/>`);
        }
      }
    }
  }
  return svg(w, h, body.join('') + (series.length > 1 ? legend(series, w) : ''));
}

/** One bar group: a label and one value per stack segment. */
export interface StackedBar {
  label: string;
  values: number[];
}

/** Stacked bar chart; `segments` names and colours the stack layers in order. */
export function stackedBars(
  bars: StackedBar[],
  segments: ReadonlyArray<{ name: string; color: string }>,
  o: ChartOptions = {},
): string {
  const w = o.width ?? 460;
  const h = o.height ?? 220;
  if (bars.length === 0) return emptyChart(w, h, 'no data');
  const totals = bars.map((b) => b.values.reduce((a, v) => a + (Number.isFinite(v) ? v : 0), 0));
  const yr: [number, number] = [0, Math.max(...totals, 1e-9) * 1.1];
  const pw = w - PAD.left - PAD.right;
  const ph = h - PAD.top - PAD.bottom;
  const body = frame(w, h, [0, bars.length], yr, { ...o }).filter((l) => !l.includes('text-anchor="middle" class="tick"'));
  const bw = (pw / bars.length) * 0.7;
  bars.forEach((b, i) => {
    const x = PAD.left + (pw / bars.length) * (i + 0.15);
    let acc = 0;
    b.values.forEach((v, k) => {
      if (!Number.isFinite(v) || v <= 0) return;
      const y0 = PAD.top + ph - (acc / yr[1]) * ph;
      const y1 = PAD.top + ph - ((acc + v) / yr[1]) * ph;
      body.push(
        `<rect x="${x.toFixed(1)}" y="${y1.toFixed(1)}" width="${bw.toFixed(1)}" height="${(y0 - y1).toFixed(1)}" fill="${segments[k]?.color ?? '#999'}"><title>${esc(segments[k]?.name ?? '')}: ${tick(v)}</title></rect>`,
      );
      acc += v;
    });
    body.push(`<text x="${(x + bw / 2).toFixed(1)}" y="${PAD.top + ph + 16}" text-anchor="middle" class="tick">${esc(b.label)}</text>`);
  });
  return svg(w, h, body.join('') + legend(segments, w));
}

/** Histogram of `values` in `bins` equal-width bins. */
export function histogram(values: readonly number[], o: ChartOptions & { bins?: number; color?: string } = {}): string {
  const w = o.width ?? 460;
  const h = o.height ?? 220;
  const v = values.filter(Number.isFinite);
  if (v.length === 0) return emptyChart(w, h, 'no data');
  const bins = o.bins ?? Math.min(30, Math.max(5, Math.ceil(Math.sqrt(v.length))));
  const lo = Math.min(...v);
  const hi = Math.max(...v);
  const width = hi > lo ? (hi - lo) / bins : 1;
  const counts = new Array<number>(bins).fill(0);
  for (const x of v) counts[Math.min(bins - 1, Math.floor((x - lo) / width))]! += 1;
  const xr: [number, number] = [lo, hi > lo ? hi : lo + 1];
  const yr: [number, number] = [0, Math.max(...counts) * 1.1];
  const pw = w - PAD.left - PAD.right;
  const ph = h - PAD.top - PAD.bottom;
  const body = frame(w, h, xr, yr, o);
  counts.forEach((c, i) => {
    const x = PAD.left + (pw * i) / bins;
    const bh = (c / yr[1]) * ph;
    body.push(
      `<rect x="${(x + 0.5).toFixed(1)}" y="${(PAD.top + ph - bh).toFixed(1)}" width="${(pw / bins - 1).toFixed(1)}" height="${bh.toFixed(1)}" fill="${o.color ?? '#4C78A8'}"><title>${tick(lo + i * width)}–${tick(lo + (i + 1) * width)}: ${c}</title></rect>`,
    );
  });
  return svg(w, h, body.join(''));
}

function emptyChart(w: number, h: number, text: string): string {
  return svg(w, h, `<text x="${w / 2}" y="${h / 2}" text-anchor="middle" class="label">${esc(text)}</text>`);
}

function svg(w: number, h: number, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" class="chart">${body}</svg>`;
}
