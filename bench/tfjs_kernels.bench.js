// tfjs's pure-JS `cpu` backend: one training step of the demo's tiny DBNet with tfjs's own
// kernels (baseline) and with useFastCpuKernels (ours: the convolutions, Slice, SplitV, Sum,
// Transpose and the float32 arithmetic kernels over flat arrays, bit-identical results), side by side in the same process. The weights after the
// measured steps are compared too: the metric says whether both runs trained identically.
const tf = require('@tensorflow/tfjs');
const { useFastCpuKernels } = require('../dist');
const { buildDbNet } = require('../dist/demo/dbnet');
const { dbLoss } = require('../dist/demo/db_loss');

const H = 128;
const W = 96;
const BATCH = 2;

module.exports = async function tfjsKernelsBench(h) {
  tf.env().set('IS_TEST', true); // mute the "use tfjs-node" banner
  await tf.setBackend('cpu');
  // Inputs: a seeded page-like image and DB-style targets (4 channels: gt, mask, thresh, thresh mask).
  const xs = tf.randomUniform([BATCH, H, W, 1], 0, 1, 'float32', 3);
  const ys = tf.tidy(() => {
    const gt = tf.randomUniform([BATCH, H, W, 1], 0, 1, 'float32', 4).greater(0.8).toFloat();
    const mask = tf.onesLike(gt);
    const thresh = tf.randomUniform([BATCH, H, W, 1], 0.3, 0.7, 'float32', 5);
    return tf.concat([gt, mask, thresh, mask], -1);
  });
  const setup = () => {
    const model = buildDbNet(tf, { height: H, width: W, baseChannels: 4, seed: 7 });
    const opt = tf.train.adam(0.02);
    const step = () => tf.dispose(opt.minimize(() => dbLoss(tf, ys, model.apply(xs)), true));
    return { model, opt, step };
  };

  h.group(`Tiny DBNet training step, tfjs cpu backend (${BATCH} pages ${W}x${H})`, {
    unit: 'page',
    note:
      "The demo's DBNet (`npm run train`), Adam, DB loss; one optimizer step per call. Baseline: tfjs 4.x's own cpu kernels. Ours: the same with `useFastCpuKernels(tf)` (the convolution kernels, Slice, SplitV, Sum, Transpose and the float32 arithmetic kernels replaced; results bit-identical; the demo resizes with nearest-neighbour upsampling, so the ResizeBilinearGrad fix plays no part).",
  });
  const theirs = setup();
  await h.case('tfjs cpu kernels', theirs.step, { items: BATCH, baseline: true, peer: 'tfjs', minSamples: 4, seconds: 2 });
  const patch = useFastCpuKernels(tf);
  const ours = setup();
  await h.case('tfjs cpu + useFastCpuKernels', ours.step, { items: BATCH, minSamples: 4, seconds: 2 });
  patch.restore();

  // Same training with and without: 3 steps (1 in a quick run) from the same start, weights
  // compared bit for bit.
  const steps = h.quick ? 1 : 3;
  const a = setup();
  for (let i = 0; i < steps; i++) a.step();
  const p2 = useFastCpuKernels(tf);
  const b = setup();
  for (let i = 0; i < steps; i++) b.step();
  p2.restore();
  const bits = (m) => m.getWeights().flatMap((w) => Array.from(new Uint32Array(w.dataSync().slice().buffer)));
  const wa = bits(a.model);
  const wb = bits(b.model);
  const same = wa.length === wb.length && wa.every((v, i) => v === wb[i]);
  h.metric(`tiny DBNet weights after ${steps} step(s), tfjs kernels vs useFastCpuKernels`, same ? 'identical' : 'DIFFERENT', '', `${wa.length} float32 values compared bit for bit`);
  for (const r of [theirs, ours, a, b]) {
    r.model.dispose();
    r.opt.dispose();
  }
  xs.dispose();
  ys.dispose();
};
