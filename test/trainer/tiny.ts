/** A tiny tfjs model and data for trainer/callback tests (pure-JS cpu backend). */
import * as tf from '@tensorflow/tfjs';

export { tf };

let ready: Promise<void> | undefined;
export function cpu(): Promise<void> {
  // Silences tfjs's "install tfjs-node" banner (tfjs-core's warn() is muted under IS_TEST).
  tf.env().set('IS_TEST', true);
  ready ??= tf.setBackend('cpu').then(() => undefined);
  return ready;
}

export function tinyModel(): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.dense({ units: 1, inputShape: [2], kernelInitializer: 'zeros' }));
  return m;
}

/** `n` batches of `size` samples of y = x0 + 2 x1, created lazily. */
export function* batches(n: number, size = 4): Generator<{ xs: tf.Tensor; ys: tf.Tensor }> {
  for (let i = 0; i < n; i++) {
    yield tf.tidy(() => {
      const xs = tf.randomUniform([size, 2], -1, 1, 'float32', i + 1);
      const ys = xs.matMul(tf.tensor2d([[1], [2]]));
      return { xs, ys };
    });
  }
}
