/**
 * The error `getNative` throws when the addon cannot be loaded, with what to do about it. A
 * binary built against a newer glibc than the system's (the dynamic loader says "version
 * `GLIBC_x.y' not found") gets both versions named and the build-from-source command.
 */
import { OcrPerfkitError } from './errors';

/** The running glibc version, as Node's diagnostic report gives it ('unknown' elsewhere). */
export function systemGlibc(): string {
  const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header;
  return header?.glibcVersionRuntime ?? 'unknown';
}

/** `ERR_ADDON_LOAD` for a failed `require` of the addon (`cause` keeps the original error). */
export function addonLoadError(err: unknown, glibc: string = systemGlibc()): OcrPerfkitError {
  const message = err instanceof Error ? err.message : String(err);
  const needed = /version `GLIBC_([\d.]+)' not found/.exec(message);
  const hint = needed
    ? `This binary needs glibc ${needed[1]} or newer; this system has glibc ${glibc}. ` +
      'Build it from source with `npx cmake-js compile` in the package folder (CMake and a C++17 compiler).'
    : 'Reinstall the package, or build it from source with `npx cmake-js compile` in its folder.';
  return new OcrPerfkitError(`ocr-perfkit: could not load the native addon (${message}). ${hint}`, 'ERR_ADDON_LOAD', {
    cause: err,
  });
}
