import { runDoctor } from '../../src/cli/doctor';
import { probeCupti, probeNvml } from '../../src/monitor';
import { type FakeDir, makeFakeDir } from './fakes';

let fake: FakeDir;
let nvml: string;
let cupti: string;

beforeAll(() => {
  fake = makeFakeDir('doctor');
  nvml = fake.compile('fake_nvml.c', 'libnvidia-ml.so.1');
  cupti = fake.compile('fake_cupti.c', 'libcupti.so');
  fake.control(nvml, ['devices=1', 'uuid.0=GPU-1234', 'name.0=Fake L4']);
});
afterAll(() => fake.cleanup());

const check = (name: string) => runDoctor().find((c) => c.name === name)!;

describe('doctor NVML/CUPTI lines', () => {
  afterEach(() => {
    delete process.env.OCR_PERFKIT_NVML_LIBRARY;
    delete process.env.OCR_PERFKIT_CUPTI_LIBRARY;
  });

  it('reports devices and versioned symbols found through the override', () => {
    process.env.OCR_PERFKIT_NVML_LIBRARY = nvml;
    expect(check('NVML')).toEqual({
      name: 'NVML',
      status: 'ok',
      detail: `${nvml}: 1 device(s): #0 Fake L4 (GPU-1234); using nvmlInit_v2, nvmlDeviceGetMemoryInfo_v2, nvmlDeviceGetCurrentClocksEventReasons, nvmlDeviceGetComputeRunningProcesses_v3 [OCR_PERFKIT_NVML_LIBRARY=${nvml}]`,
    });
    expect(probeNvml({ nvmlLibrary: nvml })).toMatchObject({ loaded: true, initialized: true, library: nvml });
  });

  it('says why NVML is missing or broken', async () => {
    process.env.OCR_PERFKIT_NVML_LIBRARY = '/nonexistent/libnvidia-ml.so.1';
    const c = check('NVML');
    expect(c.status).toBe('missing');
    expect(c.detail).toMatch(/^no GPU driver library \(NVML library not loaded: \/nonexistent\/libnvidia-ml.so.1: cannot open/);
    fake.control(nvml, ['init=9']);
    process.env.OCR_PERFKIT_NVML_LIBRARY = nvml;
    expect(check('NVML')).toMatchObject({ status: 'error', detail: expect.stringMatching(/NVML_ERROR_DRIVER_NOT_LOADED/) });
    expect(await probeNvml({ nvmlLibrary: nvml, async: true })).toMatchObject({ loaded: true, initialized: false });
    fake.control(nvml, ['devices=1', 'uuid.0=GPU-1234', 'name.0=Fake L4']);
  });

  it('reports the CUPTI library and whether a CUDA driver exists', () => {
    process.env.OCR_PERFKIT_CUPTI_LIBRARY = cupti;
    const c = check('CUPTI');
    expect(c.detail).toContain(`opened ${cupti} (CUPTI API version 130001)`);
    // this machine may or may not have a driver; the line must say which
    expect(c.detail).toMatch(c.status === 'ok' ? /CUDA driver / : /no CUDA driver/);
    expect(probeCupti({ cuptiLibrary: cupti })).toEqual({ loaded: true, library: cupti, version: 130001, error: '', code: '' });
    process.env.OCR_PERFKIT_CUPTI_LIBRARY = '/nonexistent/libcupti.so';
    expect(check('CUPTI')).toMatchObject({ status: 'missing', detail: expect.stringMatching(/could not be loaded/) });
    expect(probeCupti()).toMatchObject({ loaded: false, code: 'ERR_CUPTI_UNAVAILABLE' });
  });
});
