// The ERR_ADDON_LOAD error: a glibc mismatch names both versions and the way out.
import { OcrPerfkitError } from '../../src/errors';
import { addonLoadError, systemGlibc } from '../../src/native_load_error';

describe('addonLoadError', () => {
  it('names the glibc a binary needs, the system one and the source build', () => {
    const cause = new Error(
      "/lib/x86_64-linux-gnu/libm.so.6: version `GLIBC_2.35' not found (required by /x/ocr_perfkit.node)",
    );
    const e = addonLoadError(cause, '2.31');
    expect(e).toBeInstanceOf(OcrPerfkitError);
    expect(e.code).toBe('ERR_ADDON_LOAD');
    expect(e.cause).toBe(cause);
    expect(e.message).toContain('needs glibc 2.35 or newer; this system has glibc 2.31');
    expect(e.message).toContain('npx cmake-js compile');
    expect(e.message).toContain("version `GLIBC_2.35' not found");
  });

  it('suggests reinstalling for any other failure', () => {
    const e = addonLoadError(new Error('Cannot find module /x/ocr_perfkit.node'), '2.36');
    expect(e.code).toBe('ERR_ADDON_LOAD');
    expect(e.message).toContain('Cannot find module');
    expect(e.message).toContain('Reinstall the package');
    expect(e.message).not.toContain('glibc');
    expect(addonLoadError('not an Error').message).toContain('(not an Error)');
  });

  it('reads the running glibc from the diagnostic report', () => {
    // 'unknown' only off glibc (macOS, musl); CI and the prebuilds are linux-glibc.
    expect(systemGlibc()).toMatch(process.platform === 'linux' ? /^\d+\.\d+$/ : /^(\d+\.\d+|unknown)$/);
  });
});
