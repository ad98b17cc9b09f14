/**
 * Loads the native addon once per JS environment (main thread, worker, jest context) and
 * types its core surface. Areas (geometry, targets, cache, monitor) declare the native
 * functions they use in their own folder and read them through {@link getNative}.
 *
 * Resolution order: `OCR_PERFKIT_ADDON` (an explicit `.node` path, used by the ASan run),
 * then node-gyp-build: `prebuilds/<platform>-<arch>/` (napi + libc tags), then
 * `build/Release` (a local source build). `PREBUILDS_ONLY=1` skips local builds.
 */
import * as path from 'node:path';
import { OcrPerfkitError, OcrPerfkitRangeError, OcrPerfkitTypeError } from './errors';
import { addonLoadError } from './native_load_error';

/** How the compiled core was built. */
export interface NativeBuildInfo {
  version: string;
  compiler: string;
  buildType: 'release' | 'debug';
  sanitizers: boolean;
  fmaContraction: boolean;
  napiVersion: number;
}

/** Functions every build of the addon exports. */
export interface CoreNative {
  buildInfo(): NativeBuildInfo;
  setErrorClasses(classes: { TypeError: unknown; RangeError: unknown; Error: unknown }): void;
  liveEnvironments(): number;
  /** Tries to dlopen each name in turn; reports the first that opened or every error. */
  probeLibrary(names: string[]): { ok: boolean; path?: string; error?: string };
  /** Test hook: throws the requested kind of error from C++. */
  debugThrow(kind: 'type' | 'range' | 'status' | 'std' | 'alloc' | string): never;
}

/** Where the addon was loaded from. */
export interface AddonLocation {
  /** Absolute path of the `.node` file. */
  file: string;
  /** `prebuild` (shipped binary), `local-build` (build/ folder) or `override` (OCR_PERFKIT_ADDON). */
  kind: 'prebuild' | 'local-build' | 'override';
}

/** Root of the installed package (the folder holding package.json). */
export const packageRoot: string = path.resolve(__dirname, '..');

let cached: { addon: CoreNative; location: AddonLocation } | undefined;

function resolveAddonFile(): AddonLocation {
  const override = process.env.OCR_PERFKIT_ADDON;
  if (override) return { file: path.resolve(override), kind: 'override' };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const nodeGypBuild = require('node-gyp-build') as { resolve(dir: string): string };
  const file = nodeGypBuild.resolve(packageRoot);
  const rel = path.relative(packageRoot, file).split(path.sep);
  return { file, kind: rel[0] === 'prebuilds' ? 'prebuild' : 'local-build' };
}

function load(): { addon: CoreNative; location: AddonLocation } {
  if (cached) return cached;
  let location: AddonLocation;
  let addon: CoreNative;
  try {
    location = resolveAddonFile();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    addon = require(location.file) as CoreNative;
  } catch (err) {
    throw addonLoadError(err);
  }
  addon.setErrorClasses({ TypeError: OcrPerfkitTypeError, RangeError: OcrPerfkitRangeError, Error: OcrPerfkitError });
  cached = { addon, location };
  return cached;
}

/** The loaded addon, typed as `T` (an area's declared native surface). */
export function getNative<T = CoreNative>(): T & CoreNative {
  return load().addon as T & CoreNative;
}

/** Where the addon was loaded from (loads it if needed). */
export function addonLocation(): AddonLocation {
  return load().location;
}
