/**
 * A faster `Conv2DBackpropFilter` for TensorFlow.js's pure-JS `cpu` backend (channels last).
 *
 * tfjs 4.x's own kernel reads every input and gradient element through `TensorBuffer.get`, a
 * variadic accessor that costs far more than the multiply-add it feeds: profiling `ocr-perfkit
 * train` on the `cpu` backend put about 60 % of all CPU time in that kernel (the filter gradient of
 * every convolution). This one computes the same sums over flat typed arrays, each in a local
 * variable with its inner loop along an output row (on the demo DBNet 3-10 % shorter steps than
 * one float64 array slot per output channel updated in an inner channel loop, in interleaved
 * bench runs; for 16 or more output channels that form was a little faster in isolation).
 *
 * The result is bit-identical to the original kernel's: each filter element is one float64 sum of
 * `x * dy` products taken in the same order (batch, then output row, then output column), rounded
 * once to float32. The loops only visit the products in a different order across filter elements,
 * which does not change any single sum. Installed by {@link useFastCpuKernels}.
 */

/** The parts of `computeConv2DInfo`'s result used here. */
export interface Conv2DInfoLike {
  batchSize: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  outChannels: number;
  strideHeight: number;
  strideWidth: number;
  filterHeight: number;
  filterWidth: number;
  padInfo: { top: number; left: number };
  filterShape: [number, number, number, number];
}

/** Filter gradient of a channels-last 2-D convolution: `dW[wR, wC, d1, d2]`. */
export function conv2dFilterGradNhwc(x: ArrayLike<number>, dy: ArrayLike<number>, info: Conv2DInfoLike): Float32Array {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const dW = new Float32Array(filterHeight * filterWidth * inChannels * outChannels);
  const xRowStride = inWidth * inChannels;
  const xBatchStride = inHeight * xRowStride;
  const xStep = strideWidth * inChannels; // input step from one output column to the next
  const dyRowStride = outWidth * outChannels;
  const dyBatchStride = outHeight * dyRowStride;
  for (let wR = 0; wR < filterHeight; ++wR) {
    const yRMin = Math.max(0, Math.ceil((top - wR) / strideHeight));
    const yRMax = Math.min(outHeight, (inHeight + top - wR) / strideHeight);
    for (let wC = 0; wC < filterWidth; ++wC) {
      const yCMin = Math.max(0, Math.ceil((left - wC) / strideWidth));
      const yCMax = Math.min(outWidth, (inWidth + left - wC) / strideWidth);
      // The output columns yCMin .. yCMax (a fractional bound, as the original's loop has it).
      const n = Math.max(0, Math.ceil(yCMax) - yCMin);
      const xCol0 = (wC + yCMin * strideWidth - left) * inChannels;
      for (let d1 = 0; d1 < inChannels; ++d1) {
        const out = ((wR * filterWidth + wC) * inChannels + d1) * outChannels;
        for (let d2 = 0; d2 < outChannels; ++d2) {
          // One float64 total per filter element, its products in the original kernel's order
          // (batch, output row, output column), the inner loop along an output row.
          let s = 0;
          for (let b = 0; b < batchSize; ++b) {
            for (let yR = yRMin; yR < yRMax; ++yR) {
              const xR = wR + yR * strideHeight - top;
              let xi = b * xBatchStride + xR * xRowStride + xCol0 + d1;
              let di = b * dyBatchStride + yR * dyRowStride + yCMin * outChannels + d2;
              for (let k = 0; k < n; k++, xi += xStep, di += outChannels) s += (x[xi] as number) * (dy[di] as number);
            }
          }
          dW[out + d2] = s;
        }
      }
    }
  }
  return dW;
}
