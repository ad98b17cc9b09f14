/**
 * The main job's evaluation: a model whose output is NaN (its loss diverged) gives a finished
 * evaluation with those pages counted, not an exception that would cost the job its report.
 */
import { evaluatePages } from '../../src/demo/evaluate';
import { cpu, tf } from '../trainer/tiny';

const W = 64;
const H = 48;

/** A 1×1 convolution with every weight set to `w`: the output map is `w × input` (+ w). */
function constantModel(w: number): tf.LayersModel {
  const model = tf.sequential({
    layers: [tf.layers.conv2d({ inputShape: [H, W, 1], filters: 1, kernelSize: 1, useBias: true })],
  });
  model.setWeights(model.getWeights().map((t) => tf.fill(t.shape, w)));
  return model;
}

describe('evaluatePages', () => {
  beforeAll(cpu);

  it('counts pages whose probability map is NaN and takes no boxes from them', async () => {
    const model = constantModel(Number.NaN);
    const ev = await evaluatePages(tf, model, { width: W, height: H, seeds: [1, 2, 3], examples: 2 });
    expect(ev.nonFinitePages).toBe(3);
    expect(ev.matched).toBe(0);
    expect(ev.groundTruth).toBeGreaterThan(0);
    expect(ev.recall).toBe(0);
    expect(Number.isFinite(ev.hmean)).toBe(true);
    expect(ev.examples).toHaveLength(2);
    expect(ev.examples.every((x) => x.boxes.length === 0)).toBe(true);
    model.dispose();
  });

  it('a finite map is post-processed as usual and counts no such page', async () => {
    // Weights 0: the map is 0 everywhere, nothing above the threshold.
    const model = constantModel(0);
    const ev = await evaluatePages(tf, model, { width: W, height: H, seeds: [1, 2], examples: 1 });
    expect(ev.nonFinitePages).toBe(0);
    expect(ev.matched).toBe(0);
    expect(ev.examples[0]?.prob.every((v) => v === 0)).toBe(true);
    // Weights 1: every pixel is 1 + input ≥ 1, so the whole page is one region and one box.
    const ones = constantModel(1);
    const all = await evaluatePages(tf, ones, { width: W, height: H, seeds: [1], examples: 1 });
    expect(all.nonFinitePages).toBe(0);
    expect(all.examples[0]?.boxes).toHaveLength(1);
    model.dispose();
    ones.dispose();
  });
});
