/**
 * A faster `Conv2DBackpropFilter` for TensorFlow.js's pure-JS `cpu` backend (channels last).
 *
 * tfjs 4.x's own kernel reads every input and gradient element through `TensorBuffer.get`, a
 * variadic accessor that costs far more than the multiply-add it feeds: profiling `ocr-perfkit
 * train` on the `cpu` backend put about 60 % of all CPU time in that kernel (the filter gradient of
 * every convolution). This one computes the same sums over flat typed arrays.
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
  // One float64 accumulator per output channel: for a fixed (wR, wC, d1) the loop below adds
  // x * dy[.., d2] for every d2 at each (b, yR, yC) step, so each accumulator sees its products
  // in the original kernel's order while dy is read contiguously.
  const acc = new Float64Array(outChannels);
  const xRowStride = inWidth * inChannels;
  const xBatchStride = inHeight * xRowStride;
  const dyRowStride = outWidth * outChannels;
  const dyBatchStride = outHeight * dyRowStride;
  for (let wR = 0; wR < filterHeight; ++wR) {
    const yRMin = Math.max(0, Math.ceil((top - wR) / strideHeight));
    const yRMax = Math.min(outHeight, (inHeight + top - wR) / strideHeight);
    for (let wC = 0; wC < filterWidth; ++wC) {
      const yCMin = Math.max(0, Math.ceil((left - wC) / strideWidth));
      const yCMax = Math.min(outWidth, (inWidth + left - wC) / strideWidth);
      for (let d1 = 0; d1 < inChannels; ++d1) {
        acc.fill(0);
        for (let b = 0; b < batchSize; ++b) {
          for (let yR = yRMin; yR < yRMax; ++yR) {
            const xR = wR + yR * strideHeight - top;
            const xRow = b * xBatchStride + xR * xRowStride + d1;
            const dyRow = b * dyBatchStride + yR * dyRowStride;
            for (let yC = yCMin; yC < yCMax; ++yC) {
              const xC = wC + yC * strideWidth - left;
              const xv = x[xRow + xC * inChannels] as number;
              const dyBase = dyRow + yC * outChannels;
              for (let d2 = 0; d2 < outChannels; ++d2) acc[d2] = (acc[d2] as number) + xv * (dy[dyBase + d2] as number);
            }
          }
        }
        const out = ((wR * filterWidth + wC) * inChannels + d1) * outChannels;
        for (let d2 = 0; d2 < outChannels; ++d2) dW[out + d2] = acc[d2] as number;
      }
    }
  }
  return dW;
}
