/**
 * A small DBNet (Liao et al., "Real-time Scene Text Detection with Differentiable
 * Binarization") for the demo: a 3-stage conv backbone (strides 2, 4, 8), an FPN-style
 * top-down merge at 1/4 resolution, and two heads that refine at 1/2 resolution and whose
 * single-channel outputs are upsampled ×2 to full resolution — the probability map P and the
 * threshold map T. Every conv runs at 1/2 resolution or below: sized for tfjs's pure-JS CPU
 * backend. The approximate binary map
 * B = sigmoid(k · (P − T)) is formed in the loss ({@link dbLoss}).
 *
 * Output: `[batch, height, width, 2]` with channel 0 = P and channel 1 = T, both in (0, 1).
 * Height and width must be multiples of 8.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from './tfjs';

/** Options of {@link buildDbNet}. */
export interface DbNetOptions {
  /** Input height in pixels (multiple of 8). */
  height: number;
  /** Input width in pixels (multiple of 8). */
  width: number;
  /** Channels of the first stage; later stages double it. Default 8. */
  baseChannels?: number;
  /** Seed of the weight initialisers, for reproducible runs. Default 1. */
  seed?: number;
}

export function buildDbNet(tf: Tf, options: DbNetOptions): tfjs.LayersModel {
  const { height, width } = options;
  if (height % 8 !== 0 || width % 8 !== 0) throw new RangeError('buildDbNet: height and width must be multiples of 8');
  const c = options.baseChannels ?? 8;
  let seed = options.seed ?? 1;
  const init = () => tf.initializers.heNormal({ seed: seed++ });
  const conv = (x: tfjs.SymbolicTensor, filters: number, strides: number, name: string) =>
    tf.layers
      .conv2d({ filters, kernelSize: 3, strides, padding: 'same', activation: 'relu', kernelInitializer: init(), name })
      .apply(x) as tfjs.SymbolicTensor;

  const input = tf.input({ shape: [height, width, 1], name: 'image' });
  const s2 = conv(input, c, 2, 'stem');
  const s4 = conv(s2, c * 2, 2, 'stage4');
  const s8 = conv(s4, c * 4, 2, 'stage8');

  // Top-down: 1/8 -> 1/4, merged with a 1x1 lateral of the 1/4 stage.
  const up8 = tf.layers.upSampling2d({ size: [2, 2], name: 'up8' }).apply(s8) as tfjs.SymbolicTensor;
  const top = tf.layers
    .conv2d({ filters: c * 2, kernelSize: 1, kernelInitializer: init(), name: 'top_reduce' })
    .apply(up8) as tfjs.SymbolicTensor;
  const lateral = tf.layers
    .conv2d({ filters: c * 2, kernelSize: 1, kernelInitializer: init(), name: 'lateral4' })
    .apply(s4) as tfjs.SymbolicTensor;
  const merged = tf.layers.add({ name: 'merge4' }).apply([top, lateral]) as tfjs.SymbolicTensor;
  const fused = conv(merged, c * 2, 1, 'fuse4');

  const head = (name: string, biasInit: number) => {
    const up2 = tf.layers.upSampling2d({ size: [2, 2], name: `${name}_up2` }).apply(fused) as tfjs.SymbolicTensor;
    const h = conv(up2, c, 1, `${name}_conv`);
    const out = tf.layers
      .conv2d({
        filters: 1,
        kernelSize: 3,
        padding: 'same',
        activation: 'sigmoid',
        kernelInitializer: init(),
        biasInitializer: tf.initializers.constant({ value: biasInit }),
        name: `${name}_out`,
      })
      .apply(h) as tfjs.SymbolicTensor;
    return tf.layers.upSampling2d({ size: [2, 2], name: `${name}_up` }).apply(out) as tfjs.SymbolicTensor;
  };
  // Nearest-neighbour upsampling (as PaddleOCR's DB neck): tfjs 4.22's CPU backend returns the
  // ResizeBilinear gradient of non-square inputs with height and width swapped, so bilinear
  // upsampling trains on the pure-JS backend only with useFastCpuKernels (which replaces that
  // kernel), and the job may run without it (job.fastCpuKernels=false).
  // Start P low (text is rare) and T near the middle of [threshMin, threshMax].
  const prob = head('prob', -2);
  const thresh = head('thresh', 0);
  const output = tf.layers.concatenate({ axis: -1, name: 'maps' }).apply([prob, thresh]) as tfjs.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output, name: 'tiny_dbnet' });
}
