// The reference-mode distance kernel skips the float64 sqrt/div chain where a cheap estimate
// provably rounds to the same float32 (see native/targets/edge_kernels.cc). This compares it bit
// for bit against the plain formula on pseudo-random edges (vertical, horizontal, tiny,
// duplicate-vertex and general ones, two-decimal coordinates) and windows. The same hook also
// compares exact mode's span row merge (ExactRowMergeSpan, no inside-flag row) with the flag-row
// merge on as many pseudo-random rows, AVX2 and scalar (ExactMergeSelfCheck): every mismatch of
// either check counts.
import { targetsNative } from '../../src/targets/native';

describe('reference distance kernel and exact span merge', () => {
  it.each([1, 2, 3])('fast paths equal the plain forms (seed %i)', (seed) => {
    expect(targetsNative().targetsKernelSelfCheck(seed, 400)).toBe(0);
  });
});
