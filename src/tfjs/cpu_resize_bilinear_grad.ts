/**
 * A correct `ResizeBilinearGrad` for TensorFlow.js's pure-JS `cpu` backend (channels last).
 *
 * tfjs 4.x's own kernel (tfjs-backend-cpu 4.22) has two faults:
 * - it returns the gradient with the shape `[batch, width, height, depth]` although its values are
 *   laid out `[batch, height, width, depth]`, so training anything that resizes a non-square
 *   tensor bilinearly (`tf.image.resizeBilinear`, `upSampling2d({interpolation: 'bilinear'})`)
 *   fails with "The gradient of input 'images' has shape …";
 * - it ignores `halfPixelCenters`, so with that option the gradient does not belong to the
 *   forward resize at all.
 *
 * This one is the exact transpose of the forward kernel: every output pixel hands its gradient to
 * the (up to four) source pixels the forward kernel read, with the forward kernel's weights, whose
 * source positions it computes with the same formulas. Where tfjs's kernel was right (square
 * inputs, `halfPixelCenters` off) the values are bit-identical to its: the same float64 weights,
 * the same additions into a float32 array in the same order. Installed by
 * {@link useFastCpuKernels}.
 */

/** The sizes and options of one bilinear resize, as its forward kernel saw them. */
export interface ResizeBilinearGeometry {
  /** Images in the batch. */
  batch: number;
  /** Height of the resized images' source (the gradient's height). */
  inHeight: number;
  /** Width of the source. */
  inWidth: number;
  /** Channels (last dimension). */
  depth: number;
  /** Height of the resized output (the incoming gradient's height). */
  outHeight: number;
  /** Width of the resized output. */
  outWidth: number;
  /** The forward call's `alignCorners`. */
  alignCorners: boolean;
  /** The forward call's `halfPixelCenters`. */
  halfPixelCenters: boolean;
}

/** Where output row (or column) `i` reads its source: the two indices and the weight of the second. */
interface SourceTap {
  near: Int32Array;
  far: Int32Array;
  frac: Float64Array;
}

function sourceTaps(outSize: number, inSize: number, alignCorners: boolean, halfPixelCenters: boolean): SourceTap {
  const corners = alignCorners && outSize > 1;
  const ratio = (corners ? inSize - 1 : inSize) / (corners ? outSize - 1 : outSize);
  const near = new Int32Array(outSize);
  const far = new Int32Array(outSize);
  const frac = new Float64Array(outSize);
  for (let i = 0; i < outSize; i++) {
    // The forward kernel's source position. With half-pixel centres it may lie just below 0: both
    // taps are then pixel 0, and their weights (one above 1, one negative) still sum to 1.
    const pos = halfPixelCenters ? ratio * (i + 0.5) - 0.5 : ratio * i;
    const lo = Math.max(0, Math.floor(pos));
    near[i] = lo;
    far[i] = Math.min(inSize - 1, Math.ceil(pos));
    frac[i] = pos - lo;
  }
  return { near, far, frac };
}

/**
 * The gradient of a bilinear resize with respect to its images: `dy` is the gradient of the
 * resized output (`[batch, outHeight, outWidth, depth]`, flat), the result the gradient of the
 * source (`[batch, inHeight, inWidth, depth]`).
 */
export function resizeBilinearGradNhwc(dy: ArrayLike<number>, g: ResizeBilinearGeometry): Float32Array {
  const { batch, inHeight, inWidth, depth, outHeight, outWidth } = g;
  const dx = new Float32Array(batch * inHeight * inWidth * depth);
  const rows = sourceTaps(outHeight, inHeight, g.alignCorners, g.halfPixelCenters);
  const cols = sourceTaps(outWidth, inWidth, g.alignCorners, g.halfPixelCenters);
  const rowStride = inWidth * depth;
  let k = 0;
  for (let b = 0; b < batch; b++) {
    const image = b * inHeight * rowStride;
    for (let r = 0; r < outHeight; r++) {
      const top = image + (rows.near[r] as number) * rowStride;
      const bottom = image + (rows.far[r] as number) * rowStride;
      const down = rows.frac[r] as number;
      const up = 1.0 - down;
      for (let c = 0; c < outWidth; c++) {
        const left = (cols.near[c] as number) * depth;
        const right = (cols.far[c] as number) * depth;
        const across = cols.frac[c] as number;
        const back = 1.0 - across;
        const wTopLeft = up * back;
        const wTopRight = up * across;
        const wBottomLeft = down * back;
        const wBottomRight = down * across;
        for (let d = 0; d < depth; d++) {
          const v = dy[k++] as number;
          const tl = top + left + d;
          const tr = top + right + d;
          const bl = bottom + left + d;
          const br = bottom + right + d;
          dx[tl] = (dx[tl] as number) + v * wTopLeft;
          dx[tr] = (dx[tr] as number) + v * wTopRight;
          dx[bl] = (dx[bl] as number) + v * wBottomLeft;
          dx[br] = (dx[br] as number) + v * wBottomRight;
        }
      }
    }
  }
  return dx;
}
