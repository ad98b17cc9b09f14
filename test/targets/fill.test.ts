// The cv2.fillPoly semantics reproduced by reference mode (seen through the shrink mask of an
// ignored polygon): even-odd filling, outlines always drawn, zero-area rings still paint.
import { makeDbTargets, type ReadonlyPoint as Point } from '../../src/targets';

const W = 100;
const H = 100;
const maskOf = (points: Point[]) =>
  makeDbTargets([{ points, ignore: true }], { width: W, height: H, mode: 'reference' }).shrinkMask;

describe('reference mode fill (cv2.fillPoly LINE_8 semantics)', () => {
  it('fills a pentagram even-odd: the centre stays empty, the points are filled', () => {
    const star: Point[] = [];
    for (let k = 0; k < 5; k++) {
      const a = -Math.PI / 2 + (k * 4 * Math.PI) / 5;
      star.push([Math.round(50 + 40 * Math.cos(a)), Math.round(50 + 40 * Math.sin(a))]);
    }
    const m = maskOf(star);
    expect(m[50 * W + 50]).toBe(1); // centre: crossed twice -> outside
    expect(m[20 * W + 50]).toBe(0); // inside the top point
    expect(m[10 * W + 50]).toBe(0); // the top vertex itself (outline)
  });

  it('paints the outline of a zero-area ring (a segment) and nothing else', () => {
    const m = maskOf([
      [10, 20],
      [60, 20],
      [30, 20],
    ]);
    let zeros = 0;
    for (let x = 0; x < W; x++) if (m[20 * W + x] === 0) zeros++;
    expect(zeros).toBe(51); // columns 10..60 of row 20
    expect(m.reduce((s, v) => s + (v === 0 ? 1 : 0), 0)).toBe(51);
  });

  it('truncates vertices toward zero before filling (fractions never round up)', () => {
    const m = maskOf([
      [10.9, 10.9],
      [30.9, 10.9],
      [30.9, 30.9],
      [10.9, 30.9],
    ]);
    expect(m[10 * W + 10]).toBe(0);
    expect(m[30 * W + 30]).toBe(0);
    expect(m[31 * W + 31]).toBe(1);
    expect(m[10 * W + 31]).toBe(1);
  });
});
