// The reference-mode distance kernel skips the float64 sqrt/div chain where a cheap estimate
// provably rounds to the same float32 (see native/targets/edge_kernels.cc). This compares it bit
// for bit against the plain formula on pseudo-random edges (vertical, horizontal, tiny,
// duplicate-vertex and general ones, two-decimal coordinates) and windows.
import { targetsNative } from '../../src/targets/native';

describe('reference distance kernel', () => {
  it.each([1, 2, 3])('fast path equals the plain float64 formula (seed %i)', (seed) => {
    expect(targetsNative().targetsKernelSelfCheck(seed, 400)).toBe(0);
  });
});
