import { formatDoctor, runDoctor } from '../../src/cli/doctor';
import { helpText, main } from '../../src/cli/main';

function capture(fn: () => Promise<number>): Promise<{ code: number; out: string }> {
  const writes: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    writes.push(String(chunk));
    return true;
  });
  return fn().then(
    (code) => {
      spy.mockRestore();
      return { code, out: writes.join('') };
    },
    (err) => {
      spy.mockRestore();
      throw err;
    },
  );
}

describe('ocr-perfkit CLI', () => {
  it('--version prints the package version', async () => {
    const { code, out } = await capture(() => main(['--version']));
    expect(code).toBe(0);
    expect(out.trim()).toBe(require('../../package.json').version);
  });

  it('--help lists doctor', async () => {
    const { code, out } = await capture(() => main(['--help']));
    expect(code).toBe(0);
    expect(out).toContain('doctor');
    expect(helpText()).toContain('Usage: ocr-perfkit <command>');
  });

  it('unknown commands exit 2', async () => {
    const err = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(await main(['nope'])).toBe(2);
    err.mockRestore();
  });

  it('doctor reports the addon, tfjs, and NVML/CUPTI truthfully', () => {
    const checks = runDoctor();
    const byName = Object.fromEntries(checks.map((c) => [c.name, c]));
    expect(byName['native addon']?.status).toBe('ok');
    expect(byName['tfjs backend @tensorflow/tfjs']?.status).toBe('ok');
    // This machine has no NVIDIA driver: NVML must be reported missing, not ok, and not as a crash.
    const nvml = byName.NVML!;
    expect(['ok', 'missing']).toContain(nvml.status);
    expect(formatDoctor(checks).split('\n')).toHaveLength(checks.length);
  });

  it('doctor never throws, even when the library override points nowhere', () => {
    const before = process.env.OCR_PERFKIT_NVML_LIBRARY;
    process.env.OCR_PERFKIT_NVML_LIBRARY = '/nonexistent/libnvidia-ml.so.1';
    try {
      const nvml = runDoctor().find((c) => c.name === 'NVML')!;
      expect(nvml.status).toBe('missing');
      expect(nvml.detail).toContain('/nonexistent/libnvidia-ml.so.1');
    } finally {
      if (before === undefined) delete process.env.OCR_PERFKIT_NVML_LIBRARY;
      else process.env.OCR_PERFKIT_NVML_LIBRARY = before;
    }
  });
});
