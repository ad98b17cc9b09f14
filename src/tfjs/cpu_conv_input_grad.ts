/**
 * A `Conv2DBackpropInput` (the gradient of a convolution with respect to its input) for
 * TensorFlow.js's pure-JS `cpu` backend, channels last.
 *
 * tfjs 4.x computes one input-gradient element at a time with the input channel as its outermost
 * loop, recomputing the gradient and filter offsets for every term and walking the whole image once
 * per channel. This one computes all channels of an input pixel together, over the same
 * gradient rows and columns, with contiguous inner loops over the output channels.
 *
 * The result is bit-identical to tfjs's: each element is one float64 sum of `dy * w` products over
 * gradient row, then column, then output channel (tfjs's order, with tfjs's loop bounds), rounded
 * once to float32. Installed by {@link useFastCpuKernels}.
 */
import type { Conv2DInfoLike } from './cpu_conv_filter_grad';

/** `dx` (`info.inShape`, NHWC) from `dy` (NHWC) and the filter `w` (`[fh, fw, inC, outC]`). */
export function conv2dInputGradNhwc(dy: ArrayLike<number>, w: ArrayLike<number>, info: Conv2DInfoLike): Float32Array {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const topPad = filterHeight - 1 - info.padInfo.top;
  const leftPad = filterWidth - 1 - info.padInfo.left;
  const dx = new Float32Array(batchSize * inHeight * inWidth * inChannels);
  const acc = new Float64Array(inChannels);
  const fltRow = filterWidth * inChannels * outChannels; // filter stride per filter row
  const fltCol = inChannels * outChannels;
  const dyRow = outWidth * outChannels;
  let o = 0;
  for (let b = 0; b < batchSize; b++) {
    const dyImage = b * outHeight * dyRow;
    for (let xR = 0; xR < inHeight; xR++) {
      const xRCorner = xR - topPad;
      // tfjs's bounds, fractional upper bound included.
      const yRMin = Math.max(0, Math.ceil(xRCorner / strideHeight));
      const yRMax = Math.min(outHeight, (filterHeight + xRCorner) / strideHeight);
      for (let xC = 0; xC < inWidth; xC++) {
        const xCCorner = xC - leftPad;
        const yCMin = Math.max(0, Math.ceil(xCCorner / strideWidth));
        const yCMax = Math.min(outWidth, (filterWidth + xCCorner) / strideWidth);
        acc.fill(0);
        for (let yR = yRMin; yR < yRMax; yR++) {
          const wR = yR * strideHeight - xRCorner;
          const fRow = (filterHeight - 1 - wR) * fltRow;
          for (let yC = yCMin; yC < yCMax; yC++) {
            const wC = yC * strideWidth - xCCorner;
            const dyBase = dyImage + yR * dyRow + yC * outChannels;
            const fBase = fRow + (filterWidth - 1 - wC) * fltCol;
            for (let d1 = 0; d1 < inChannels; d1++) {
              const wBase = fBase + d1 * outChannels;
              let s = acc[d1] as number;
              for (let d2 = 0; d2 < outChannels; d2++) s += (dy[dyBase + d2] as number) * (w[wBase + d2] as number);
              acc[d1] = s;
            }
          }
        }
        for (let d1 = 0; d1 < inChannels; d1++) dx[o++] = acc[d1] as number;
      }
    }
  }
  return dx;
}
