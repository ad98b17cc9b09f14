/**
 * boxesFromBitmap against OpenCV on 60 binary maps of random blobs, some with holes:
 * test/targets/fixtures/approx-poly.json (written by scripts/make-paddle-boxes-fixture.py over
 * Debian's OpenCV 4.6). For each map it holds, in cv2.findContours(RETR_LIST) order (hole
 * borders included, as DB sees them), what cv2.approxPolyDP makes of each CHAIN_APPROX_SIMPLE
 * contour at epsilon 0.01 and 0.002 of cv2.arcLength, and DB's quad boxes. With unclipRatio 0
 * the polygons come out unchanged, so they must be equal point for point: the same vertices, the
 * same start vertex, the same direction, the same order. The quads must be identical too: the
 * rectangles are OpenCV's float32 ones (native/targets/cv_min_area_rect.cc).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { boxesFromBitmap } from '../../src/targets';

type Pts = [number, number][];
interface Case {
  width: number;
  height: number;
  bits: string;
  expected: Record<string, Pts[]> & { quad: Array<{ points: Pts; score: number }> };
}
const fixture: { cases: Case[] } = JSON.parse(
  fs.readFileSync(path.join(__dirname, 'fixtures', 'approx-poly.json'), 'utf8'),
);

function decode(c: Case): Float32Array {
  const bytes = Buffer.from(c.bits, 'base64');
  const prob = new Float32Array(c.width * c.height);
  for (let k = 0; k < prob.length; k++) prob[k] = (bytes[k >> 3]! >> (7 - (k & 7))) & 1;
  return prob;
}

describe('boxesFromBitmap against OpenCV contours', () => {
  test.each([0.01, 0.002])('polygon output, epsilon %p of the contour length: every polygon equal, in order', (eps) => {
    let same = 0;
    let vertices = 0;
    const differ: string[] = [];
    fixture.cases.forEach((c, i) => {
      const got = boxesFromBitmap(decode(c), {
        width: c.width,
        height: c.height,
        thresh: 0.5,
        boxThresh: 0,
        unclipRatio: 0,
        minSize: 0,
        maxCandidates: 100000,
        output: 'polygon',
        polygonEpsilon: eps,
      }).map((b) => JSON.stringify(b.points));
      const want = c.expected[String(eps)]!.map((p) => JSON.stringify(p));
      for (const g of got) if (!want.includes(g)) differ.push(`case ${i}: only ours ${g}`);
      for (const w of want) if (!got.includes(w)) differ.push(`case ${i}: only OpenCV's ${w}`);
      const common = want.filter((w) => got.includes(w));
      expect(got.filter((g) => want.includes(g))).toEqual(common);
      same += common.length;
      vertices += common.reduce((n, w) => n + JSON.parse(w).length, 0);
    });
    expect(differ).toEqual([]);
    expect(same).toBeGreaterThan(900);
    // The smaller epsilon keeps more of each contour.
    expect(vertices / same).toBeGreaterThan(eps === 0.01 ? 9 : 13);
  });

  test("quad output: DB's boxes, holes included, in OpenCV's order, identical", () => {
    // Most rectangles on these noise maps lie at 45 degrees, where OpenCV's float32 corners land
    // just off the integers and DB's unclip truncates them: only OpenCV's own arithmetic gives
    // the same boxes (with an exact rectangle, 263 of these 367 were identical).
    let total = 0;
    const differ: string[] = [];
    fixture.cases.forEach((c, i) => {
      const got = boxesFromBitmap(decode(c), { width: c.width, height: c.height, thresh: 0.3, boxThresh: 0, unclipRatio: 1.5 });
      expect(got.length).toBe(c.expected.quad.length);
      c.expected.quad.forEach((w, k) => {
        const g = got[k]!;
        if (JSON.stringify(g.points) !== JSON.stringify(w.points) || Math.abs(g.score - w.score) >= 1e-12) {
          differ.push(`case ${i} box ${k}`);
        }
        total++;
      });
    });
    expect(total).toBeGreaterThan(300);
    expect(differ).toEqual([]);
  });

  test('polygonEpsilon is validated', () => {
    const o = { width: 4, height: 4, output: 'polygon' } as const;
    for (const polygonEpsilon of [-0.1, 1.5, Number.NaN]) {
      expect(() => boxesFromBitmap(new Float32Array(16), { ...o, polygonEpsilon })).toThrow(
        expect.objectContaining({ name: 'OcrPerfkitRangeError', code: 'ERR_OUT_OF_RANGE' }),
      );
    }
  });
});
