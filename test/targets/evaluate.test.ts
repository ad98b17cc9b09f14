// evaluateDetections: ICDAR 2015 IoU protocol (don't-care handling, one-to-one matching).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { evaluateDetections, type ReadonlyPoint as Point } from '../../src/targets';
import { L_SHAPE } from './shapes';

const rect = (x0: number, y0: number, x1: number, y1: number): Point[] => [
  [x0, y0],
  [x1, y0],
  [x1, y1],
  [x0, y1],
];

describe('evaluateDetections', () => {
  it('hmean of the ground truth against itself is 1 (SROIE and the DB reference pages)', () => {
    const sroie = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../shared/data/sroie/sroie.json'), 'utf8')).images.slice(0, 20);
    const gt = sroie.map((im: { polygons: { points: Point[]; ignore: boolean }[] }) => im.polygons);
    const r = evaluateDetections(gt, gt);
    expect([r.precision, r.recall, r.hmean]).toEqual([1, 1, 1]);
    const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures/dbtargets-manifest.json'), 'utf8'));
    type Case = { name: string; input_polygons: { points: Point[]; ignore: boolean }[] };
    // Predictions include the ignored polygons too: they fall on don't-care ground truth. The
    // self-intersecting bow tie (e09) has no meaningful area, so it is left out here.
    const simple = manifest.images.filter((c: Case) => c.name !== 'e09_bowtie_asym' && c.name !== 'N100_00');
    const pages = simple.map((c: Case) => c.input_polygons);
    const r2 = evaluateDetections(pages, pages);
    expect(r2.hmean).toBe(1);
    expect(r2.groundTruthCount).toBe(pages.flat().filter((p: { ignore: boolean }) => !p.ignore).length);
    // N100_00 has two words lying more than half on ignored ("###") regions: as in the ICDAR
    // script, those predictions become don't-care while their ground truth still counts.
    const n100 = manifest.images.find((c: Case) => c.name === 'N100_00').input_polygons;
    const r3 = evaluateDetections([n100], [n100]);
    expect([r3.precision, r3.matched, r3.groundTruthCount, r3.predictionCount]).toEqual([1, 96, 98, 96]);
  });

  it('matches at IoU > 0.5 only, one to one', () => {
    const gt = [rect(0, 0, 100, 20), rect(0, 40, 100, 60)];
    // IoU 0.6 with the first; a duplicate of it; nothing near the second
    const preds = [rect(0, 0, 60, 20), rect(0, 0, 100, 20), rect(200, 200, 210, 210)];
    const r = evaluateDetections([preds], [gt]);
    expect(r.matched).toBe(1);
    expect(r.precision).toBeCloseTo(1 / 3, 12);
    expect(r.recall).toBeCloseTo(1 / 2, 12);
    expect(r.hmean).toBeCloseTo(0.4, 12);
    // exactly IoU 0.5 does not match (strict), 0.5 threshold
    const half = evaluateDetections([[rect(0, 0, 50, 20)]], [[rect(0, 0, 100, 20)]]);
    expect(half.matched).toBe(0);
    expect(evaluateDetections([[rect(0, 0, 50, 20)]], [[rect(0, 0, 100, 20)]], { iou: 0.4 }).matched).toBe(1);
  });

  it("don't care: predictions on ignored text are neither rewarded nor penalised", () => {
    const gt = [{ points: rect(0, 0, 100, 20) }, { points: rect(0, 40, 100, 60), ignore: true }];
    const r = evaluateDetections([[rect(0, 0, 100, 20), rect(5, 42, 95, 58)]], [gt]);
    expect([r.precision, r.recall, r.predictionCount, r.groundTruthCount]).toEqual([1, 1, 1, 1]);
  });

  it('empty cases', () => {
    expect(evaluateDetections([[]], [[]]).images[0]).toMatchObject({ precision: 1, recall: 1 });
    const none = evaluateDetections([[]], [[rect(0, 0, 10, 10)]]);
    expect([none.precision, none.recall, none.hmean]).toEqual([0, 0, 0]);
    expect(evaluateDetections([], []).hmean).toBe(0);
  });

  it('rotated and non-convex polygons', () => {
    const l = L_SHAPE;
    expect(evaluateDetections([[l]], [[l]]).hmean).toBe(1);
    const diamond: Point[] = [
      [50, 0],
      [100, 50],
      [50, 100],
      [0, 50],
    ];
    expect(evaluateDetections([[diamond]], [[rect(0, 0, 100, 100)]]).matched).toBe(0); // IoU 0.5
    expect(evaluateDetections([[diamond]], [[rect(0, 0, 100, 100)]], { iou: 0.49 }).matched).toBe(1);
  });

  it('bad input gives coded errors', () => {
    expect(() => evaluateDetections([[]], [])).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    expect(() => evaluateDetections([[[[0, Number.NaN]] as never]], [[]])).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
    );
    expect(() => evaluateDetections([[]], [[]], { iou: 2 })).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
  });
});
