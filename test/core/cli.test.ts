import { formatDoctor, runDoctor } from '../../src/cli/doctor';
import { commands, helpText, main } from '../../src/cli/main';
import { OcrPerfkitError } from '../../src/errors';

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

  it('a failed command reports: usage mistakes exit 2, ocr-perfkit errors give message and code without a stack, bugs their stack', async () => {
    const lines: string[] = [];
    const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const before = process.env.OCR_PERFKIT_DEBUG;
    delete process.env.OCR_PERFKIT_DEBUG;
    commands.fails = {
      summary: 'test only',
      run: () => {
        throw new OcrPerfkitError('the data folder is missing', 'ERR_UNAVAILABLE');
      },
    };
    commands.bug = {
      summary: 'test only',
      run: () => {
        throw new TypeError('x is not a function');
      },
    };
    try {
      expect(await main(['train', '--set', 'x=1'])).toBe(2);
      expect(lines.join('')).toBe(
        "ocr-perfkit train: unexpected argument '--set' (expected --config FILE, job.key=value or key=value)\n" +
          "Run 'ocr-perfkit train --help' for usage.\n",
      );
      lines.length = 0;
      expect(await main(['train', '--config'])).toBe(2);
      expect(lines.join('')).toContain('--config needs a file');
      lines.length = 0;
      expect(await main(['fails'])).toBe(1);
      expect(lines.join('')).toBe('ocr-perfkit fails: the data folder is missing [ERR_UNAVAILABLE]\n');
      lines.length = 0;
      process.env.OCR_PERFKIT_DEBUG = '1';
      expect(await main(['fails'])).toBe(1);
      expect(lines.join('')).toMatch(/\[ERR_UNAVAILABLE\]\n.*OcrPerfkitError: the data folder is missing\n\s+at /);
      lines.length = 0;
      delete process.env.OCR_PERFKIT_DEBUG;
      expect(await main(['bug'])).toBe(1);
      expect(lines.join('')).toMatch(/^ocr-perfkit bug: unexpected error \(a bug; please report it with this output\):\nTypeError: x is not a function\n\s+at /);
    } finally {
      delete commands.fails;
      delete commands.bug;
      if (before === undefined) delete process.env.OCR_PERFKIT_DEBUG;
      else process.env.OCR_PERFKIT_DEBUG = before;
      err.mockRestore();
    }
  });

  it('doctor reports the addon, tfjs, and NVML/CUPTI truthfully', () => {
    const checks = runDoctor();
    const byName = Object.fromEntries(checks.map((c) => [c.name, c]));
    expect(byName['native addon']?.status).toBe('ok');
    expect(byName['tfjs backend @tensorflow/tfjs']?.status).toBe('ok');
    expect(byName['tfjs backend @tensorflow/tfjs']?.detail).toContain('useFastCpuKernels(tf)');
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
