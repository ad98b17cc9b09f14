// Both modes assemble the maps band by band (a band = as many rows of all four maps as fit a
// fixed staging budget of 7 bytes per pixel, so its height depends on the image width: the whole
// 120-row image at width 200, 24 rows at width 3000, 1 at width 40000). The result must not depend on where band boundaries cut the
// polygons: the same polygons (all well inside the first 200 columns) on images of those widths
// give the same bits in columns 0..199 and the background elsewhere (rows that differ are counted),
// written into NaN-filled buffers.
import { makeDbTargets } from '../../src/targets';

const H = 120;
type Ring = [number, number][];
const polygons: { points: Ring; ignore?: boolean }[] = [
  { points: [[10.5, 12.25], [90.75, 15], [88, 44.5], [8.25, 40]] },
  { points: [[60, 30], [150.3, 35.7], [147.9, 70.1], [58.2, 66.6]] },
  { points: [[30, 80], [70.5, 110], [5, 112.25]] },
  // concave (an L), its eroded shape splits into pieces
  { points: [[100, 75], [160, 75], [160, 90], [115, 90], [115, 115], [100, 115]] },
  { points: [[120, 5], [170, 6], [169.5, 25], [121, 24]], ignore: true },
  { points: [[175, 95], [180, 95], [180, 99], [175, 99]] }, // too small: ignored
  { points: [[40.1, 50.2], [44.9, 50.3], [44.8, 51.0], [40.2, 51.1]] }, // thin: no kernel in exact mode
];

const MAPS = ['shrinkMap', 'shrinkMask', 'threshMap', 'threshMask'] as const;

function render(width: number, mode: 'exact' | 'reference', threshMin: number, threshMax: number) {
  const n = width * H;
  const dirty = () => new Float32Array(n).fill(Number.NaN);
  return makeDbTargets(polygons, {
    width,
    height: H,
    mode,
    threshMin,
    threshMax,
    out: { shrinkMap: dirty(), shrinkMask: dirty(), threshMap: dirty(), threshMask: dirty() },
  });
}

describe.each([
  ['exact', 0.3, 0.7],
  ['reference', 0.3, 0.7],
  ['exact', 0.7, 0.2],
  ['reference', 0.7, 0.2],
] as const)('band-independent maps, %s mode, threshMin %p threshMax %p', (mode, tmin, tmax) => {
  const narrow = render(200, mode, tmin, tmax);
  const background = { shrinkMap: 0, shrinkMask: 1, threshMap: Math.fround(tmin), threshMask: 0 };

  it('paints something in every map (the test is not vacuous)', () => {
    for (const m of MAPS) expect(narrow[m].some((v) => v !== background[m])).toBe(true);
    const tags = Array.from(narrow.ignoreTags);
    if (mode === 'exact') expect(tags).toEqual([0, 0, 0, 0, 1, 1, 1]);
    else expect([tags[0], tags[1], tags[4], tags[5]]).toEqual([0, 0, 1, 1]);
  });

  it.each([3000, 40000])('width %p gives the same pixels', (width) => {
    const wide = render(width, mode, tmin, tmax);
    expect(Array.from(wide.ignoreTags)).toEqual(Array.from(narrow.ignoreTags));
    for (const m of MAPS) {
      // Bit patterns, row by row: the first 200 columns as in the narrow image, then background.
      const rest = Buffer.from(new Float32Array(width - 200).fill(background[m]).buffer);
      const bytes = (a: Float32Array, from: number, count: number) => Buffer.from(a.buffer, a.byteOffset + from * 4, count * 4);
      let diff = 0;
      for (let y = 0; y < H; y++) {
        if (!bytes(wide[m], y * width, 200).equals(bytes(narrow[m], y * 200, 200))) diff++;
        if (!bytes(wide[m], y * width + 200, width - 200).equals(rest)) diff++;
      }
      expect({ map: m, diff }).toEqual({ map: m, diff: 0 });
    }
  });
});
