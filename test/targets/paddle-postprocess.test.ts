/**
 * boxesFromBitmap against PaddleOCR's DBPostProcess (quad output) on 12 maps of bars, curved
 * bands and blobs, some with holes (whose borders are candidates too, as in DB):
 * test/targets/fixtures/paddle-postprocess.json, written by
 * scripts/make-paddle-boxes-fixture.py over OpenCV, pyclipper and shapely. scoreMode 'slow'
 * averages over the traced contour's filled pixels (box_score_slow), the same pixels as OpenCV's
 * contour, so its scores are equal; useDilation is cv2.dilate with a 2x2 kernel, so the same
 * regions merge. The rectangles are OpenCV's float32 ones (cv_min_area_rect.cc), so every box is
 * identical: the same corners, in the same order, with the same score.
 * Polygon output (DB's polygons_from_bitmap: cv2.approxPolyDP, then the unclip) must be equal
 * point for point too, at DB's epsilon (0.01 of the contour length) and PaddleOCR's (0.002).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { boxesFromBitmap, boxesFromBitmapAsync } from '../../src/targets';

interface Expected {
  points: [number, number][];
  score: number;
  /** Polygon output only: the cv2.approxPolyDP polygon before the unclip. */
  simplified?: [number, number][];
}
interface Fixture {
  width: number;
  height: number;
  options: { thresh: number; boxThresh: number; unclipRatio: number; minSize: number };
  maps: Array<{ map: string; expected: Record<string, Expected[]> }>;
}

const fixture: Fixture = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'paddle-postprocess.json'), 'utf8'));
const { width, height, options } = fixture;

function decode(b64: string): Float32Array {
  const bytes = Buffer.from(b64, 'base64');
  expect(bytes.length).toBe(width * height);
  return Float32Array.from(bytes, (k) => k / 256); // exact in float32
}

const variants = [
  ['fast', { scoreMode: 'fast', useDilation: false }],
  ['slow', { scoreMode: 'slow', useDilation: false }],
  ['fast+dilation', { scoreMode: 'fast', useDilation: true }],
  ['slow+dilation', { scoreMode: 'slow', useDilation: true }],
] as const;

describe('boxesFromBitmap against PaddleOCR DBPostProcess', () => {
  test.each(variants)('%s: the same boxes in the same order, with the same scores', (name, extra) => {
    let boxes = 0;
    const differ: string[] = [];
    fixture.maps.forEach((m, i) => {
      const want = m.expected[name]!;
      const got = boxesFromBitmap(decode(m.map), { width, height, ...options, ...extra });
      expect(got.length).toBe(want.length);
      got.forEach((g, k) => {
        const w = want[k]!;
        const same = JSON.stringify(g.points) === JSON.stringify(w.points) && Math.abs(g.score - w.score) < 1e-12;
        if (!same) differ.push(`map ${i} box ${k}: ${JSON.stringify(g)} against ${JSON.stringify(w)}`);
        boxes++;
      });
    });
    expect(boxes).toBeGreaterThan(40);
    expect(differ).toEqual([]);
  });

  test.each([
    ['polygon', 0.01],
    ['polygon+eps0.002', 0.002],
  ] as const)("%s (DB's polygons_from_bitmap): the same grown polygons, point for point", (name, eps) => {
    let polygons = 0;
    fixture.maps.forEach((m) => {
      const want = m.expected[name]!;
      const got = boxesFromBitmap(decode(m.map), { width, height, ...options, output: 'polygon', polygonEpsilon: eps });
      // In the same order too: the contours come in OpenCV's RETR_LIST order.
      expect(got.map((g) => g.points)).toEqual(want.map((w) => w.points));
      got.forEach((g, k) => {
        expect(g.score).toBeCloseTo(want[k]!.score, 12);
      });
      polygons += want.length;
    });
    expect(polygons).toBeGreaterThan(40);
  });

  test('dilation joins regions one pixel apart (fewer boxes in all); the async form agrees', async () => {
    const sum = (key: string) => fixture.maps.reduce((n, m) => n + m.expected[key]!.length, 0);
    expect(sum('fast+dilation')).toBeLessThan(sum('fast'));
    for (const m of fixture.maps.slice(0, 4)) {
      const o = { width, height, ...options, scoreMode: 'slow', useDilation: true } as const;
      expect(await boxesFromBitmapAsync(decode(m.map), o)).toEqual(boxesFromBitmap(decode(m.map), o));
    }
  });
});
