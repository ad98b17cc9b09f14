/**
 * `ocr-perfkit doctor`: a truthful report of what this installation can do. It never throws:
 * every probe catches its own failure and reports it as a line.
 */
import * as os from 'node:os';
import { probeCupti, probeNvml } from '../monitor/probe';
import { addonLocation, getNative, packageRoot } from '../native';
import { packageVersion } from './version';

/** One line of the report. */
export interface DoctorCheck {
  /** Short name of what was checked. */
  name: string;
  /** `ok`: works; `missing`: not available here (not an error); `error`: something is broken. */
  status: 'ok' | 'missing' | 'error';
  /** What was found, or why not. */
  detail: string;
}

function attempt(name: string, fn: () => Omit<DoctorCheck, 'name'>): DoctorCheck {
  try {
    return { name, ...fn() };
  } catch (err) {
    return { name, status: 'error', detail: err instanceof Error ? err.message : String(err) };
  }
}

/** Library names tried for NVML and CUPTI (overridable by environment, as the sampler does). */
export function nvmlCandidates(): string[] {
  const o = process.env.OCR_PERFKIT_NVML_LIBRARY;
  return o ? [o] : ['libnvidia-ml.so.1', 'libnvidia-ml.so'];
}

export function cuptiCandidates(): string[] {
  const o = process.env.OCR_PERFKIT_CUPTI_LIBRARY;
  if (o) return [o];
  const names = ['libcupti.so', 'libcupti.so.13', 'libcupti.so.12'];
  const roots = [process.env.CUDA_HOME, process.env.CUDA_PATH, '/usr/local/cuda'].filter(Boolean) as string[];
  const paths = roots.flatMap((r) => [`${r}/lib64/libcupti.so`, `${r}/extras/CUPTI/lib64/libcupti.so`]);
  return [...names, ...paths];
}

function probeTfjsBackend(moduleName: string): Omit<DoctorCheck, 'name'> {
  try {
    const resolved = require.resolve(moduleName, { paths: [process.cwd(), packageRoot] });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(resolved) as { version_core?: string; version?: Record<string, string> };
    const version = mod.version_core ?? mod.version?.['tfjs-core'] ?? 'unknown';
    // The pure-JS package trains on the `cpu` backend unless tfjs-node is there too.
    const hint = moduleName === '@tensorflow/tfjs' ? '; on its cpu backend, useFastCpuKernels(tf) shortens conv training steps' : '';
    return { status: 'ok', detail: `loads (tfjs-core ${version})${hint}` };
  } catch (err) {
    const msg = (err as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' ? 'not installed' : (err as Error).message;
    return { status: 'missing', detail: msg.split('\n')[0] ?? msg };
  }
}

function overrideNote(envName: string): string {
  const v = process.env[envName];
  return v ? ` [${envName}=${v}]` : '';
}

/** NVML: the library the sampler would load, its devices and the versioned symbols chosen. */
function probeNvmlCheck(): Omit<DoctorCheck, 'name'> {
  const note = overrideNote('OCR_PERFKIT_NVML_LIBRARY');
  const native = getNative() as ReturnType<typeof getNative> & { monitorProbeNvml?: unknown };
  if (typeof native.monitorProbeNvml !== 'function') {
    const r = native.probeLibrary(nvmlCandidates());
    return r.ok
      ? { status: 'ok', detail: `opened ${r.path}${note}` }
      : { status: 'missing', detail: `no GPU driver library (${r.error})${note}` };
  }
  const p = probeNvml();
  if (!p.loaded) return { status: 'missing', detail: `no GPU driver library (${p.error})${note}` };
  if (!p.initialized) return { status: 'error', detail: `${p.library} loaded but ${p.error}${note}` };
  const devices = p.devices.map((d) => `#${d.nvmlIndex} ${d.name} (${d.uuid})`).join(', ') || 'none';
  const versioned = ['init', 'memoryInfo', 'clockEventReasons', 'computeProcesses']
    .map((k) => p.symbols[k])
    .filter(Boolean)
    .join(', ');
  const cvd = process.env.CUDA_VISIBLE_DEVICES;
  const visible = cvd !== undefined ? `; CUDA_VISIBLE_DEVICES=${cvd}` : '';
  return {
    status: 'ok',
    detail: `${p.library}: ${p.devices.length} device(s): ${devices}; using ${versioned}${visible}${note}`,
  };
}

/** CUPTI: the library the tracer would load and its API version (tracing is not started). */
function probeCuptiCheck(): Omit<DoctorCheck, 'name'> {
  const note = overrideNote('OCR_PERFKIT_CUPTI_LIBRARY');
  const native = getNative() as ReturnType<typeof getNative> & { monitorProbeCupti?: unknown };
  if (typeof native.monitorProbeCupti !== 'function') {
    const r = native.probeLibrary(cuptiCandidates());
    return r.ok ? { status: 'ok', detail: `opened ${r.path}${note}` } : { status: 'missing', detail: `${r.error}${note}` };
  }
  const p = probeCupti();
  if (!p.loaded) return { status: 'missing', detail: `${p.error}${note}` };
  const version = p.version > 0 ? ` (CUPTI API version ${p.version})` : '';
  const driver = native.probeLibrary(['libcuda.so.1', 'libcuda.so']);
  if (!driver.ok) {
    return {
      status: 'missing',
      detail: `opened ${p.library}${version}, but there is no CUDA driver (libcuda.so.1): tracing is unavailable${note}`,
    };
  }
  return { status: 'ok', detail: `opened ${p.library}${version}; CUDA driver ${driver.path}${note}` };
}

/** Runs every check. */
export function runDoctor(): DoctorCheck[] {
  const checks: DoctorCheck[] = [];
  checks.push(attempt('ocr-perfkit', () => ({ status: 'ok', detail: `${packageVersion()} at ${packageRoot}` })));
  checks.push(
    attempt('node', () => ({
      status: 'ok',
      detail: `${process.version} (N-API ${process.versions.napi}, ${process.platform}-${process.arch}, ${os.cpus().length} CPUs)`,
    })),
  );
  checks.push(
    attempt('native addon', () => {
      const loc = addonLocation();
      const b = getNative().buildInfo();
      const how = loc.kind === 'prebuild' ? 'prebuilt binary' : loc.kind === 'local-build' ? 'local build' : 'override';
      return {
        status: 'ok',
        detail: `${how}: ${loc.file} (${b.compiler}, ${b.buildType}${b.sanitizers ? ', ASan/UBSan' : ''})`,
      };
    }),
  );
  for (const backend of ['@tensorflow/tfjs', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu']) {
    checks.push(attempt(`tfjs backend ${backend}`, () => probeTfjsBackend(backend)));
  }
  checks.push(attempt('NVML', probeNvmlCheck));
  checks.push(attempt('CUPTI', probeCuptiCheck));
  return checks;
}

/** Renders the report as aligned text. */
export function formatDoctor(checks: DoctorCheck[]): string {
  const mark = { ok: '✔', missing: '–', error: '✘' } as const;
  const width = Math.max(...checks.map((c) => c.name.length));
  return checks.map((c) => `${mark[c.status]} ${c.name.padEnd(width)}  ${c.detail}`).join('\n');
}
