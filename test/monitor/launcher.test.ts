/**
 * The test-only CUDA launcher (native/gpu/cuda_launcher.cc) against a fake libcuda that feeds
 * the fake libcupti, so the tracer's view of an in-process launch is checked without a GPU
 * (the same path scripts/gpu-check.js takes on a real one).
 */
import * as fs from 'node:fs';
import { CuptiTracer } from '../../src/monitor';
import { monitorNative } from '../../src/monitor/native';
import { type FakeDir, makeFakeDir } from './fakes';

let fake: FakeDir;
let cupti: string;
let cuda: string;

beforeAll(() => {
  fake = makeFakeDir('cuda');
  cupti = fake.compile('fake_cupti.c', 'libcupti.so');
  cuda = fake.compile('fake_cuda.c', 'libcuda.so.1');
  fs.writeFileSync(`${cuda}.cupti`, cupti);
});
afterAll(() => fake.cleanup());

describe('debugCudaLaunch (fake libcuda)', () => {
  it('launches N kernels that the tracer sees exactly, with the memset and memcpy', async () => {
    fake.control(cupti, []);
    fake.control(cuda, []);
    const tracer = new CuptiTracer({ cuptiLibrary: cupti });
    await tracer.start();
    const r = await monitorNative().debugCudaLaunch({ libcuda: cuda, kernels: 5, threads: 32, blocks: 4, iterations: 10 });
    await tracer.stop();
    expect(r).toEqual({
      launched: 5,
      wallMs: expect.any(Number),
      checksum: (32 * 33) / 2, // out[i] = i + 1
      deviceName: 'Fake CUDA GPU',
      library: cuda,
    });
    const k = tracer.kernels();
    expect(k).toHaveLength(1);
    expect(k[0]).toMatchObject({ name: 'opk_spin', count: 5 });
    expect(k[0]!.minNs).toBeGreaterThan(1_000_000); // each fake launch sleeps 2 ms
    expect(k[0]!.totalNs).toBeLessThanOrEqual(r.wallMs * 1e6);
    const st = tracer.stats();
    expect(st.memset).toMatchObject({ count: 1, bytes: 32 * 4 });
    expect(st.memcpy).toMatchObject({ count: 1, bytes: 32 * 4 });
    expect(tracer.events().find((e) => e.kind === 'memcpy')!.copyKind).toBe(2); // device to host
    await tracer.close();
  });

  it('turns driver failures into ERR_CUDA / ERR_CUDA_UNAVAILABLE', async () => {
    const n = monitorNative();
    await expect(n.debugCudaLaunch({ libcuda: '/nonexistent/libcuda.so.1' })).rejects.toMatchObject({
      code: 'ERR_CUDA_UNAVAILABLE',
    });
    await expect(n.debugCudaLaunch({ libcuda: cupti })).rejects.toMatchObject({
      code: 'ERR_CUDA_UNAVAILABLE',
      message: expect.stringMatching(/lacks cuInit/),
    });
    await expect(n.debugCudaLaunch({ libcuda: cuda, device: 1 })).rejects.toMatchObject({
      code: 'ERR_CUDA',
      message: 'cuDeviceGet failed: invalid device ordinal (101)',
    });
    fake.control(cuda, ['err.cuLaunchKernel=700']);
    await expect(n.debugCudaLaunch({ libcuda: cuda, kernels: 2 })).rejects.toMatchObject({
      code: 'ERR_CUDA',
      message: 'cuLaunchKernel failed: fake CUDA error (700)',
    });
    fake.control(cuda, []);
    expect(() => n.debugCudaLaunch({ libcuda: cuda, kernels: -1 })).toThrow(
      expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }),
    );
  });
});
