/**
 * Loading configs: YAML files (with `include:` lists merged first), dotted CLI overrides
 * (`trainer.maxEpochs=3`, `callbacks.throughputMonitor.enabled=false`, values parsed as YAML
 * scalars), then validation against {@link trainConfigSchema}. Any problem throws
 * `OcrPerfkitRangeError` with code `ERR_INVALID_CONFIG` naming the key, the value and what was
 * expected (and the file for YAML syntax errors).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { OcrPerfkitRangeError, OcrPerfkitTypeError } from '../errors';
import { type TrainConfig, trainConfigSchema } from './schemas';
import { describeValue, parseConfig } from './validate';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

function isObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Deep merge: objects merge key by key, everything else (arrays included) is replaced. */
export function deepMerge(base: JsonObject, over: JsonObject): JsonObject {
  const out: JsonObject = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isObject(b) && isObject(v) ? deepMerge(b, v) : v;
  }
  return out;
}

function invalid(message: string): OcrPerfkitRangeError {
  return new OcrPerfkitRangeError(`invalid config: ${message}`, 'ERR_INVALID_CONFIG');
}

/** Reads one YAML file (no includes). Empty files give `{}`. */
export function readYamlFile(file: string): JsonObject {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw invalid(`cannot read ${file}: ${(err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw invalid(`${file}: ${(err as Error).message.split('\n')[0]}`);
  }
  if (doc === null || doc === undefined) return {};
  if (!isObject(doc)) throw invalid(`${file}: the top level must be a mapping, got ${typeof doc}`);
  return doc;
}

/** Reads `file` and, first, the files in its `include:` list (recursively, cycles rejected). */
export function readConfigTree(file: string, seen: readonly string[] = []): JsonObject {
  const abs = path.resolve(file);
  if (seen.includes(abs)) throw invalid(`include cycle: ${[...seen, abs].join(' -> ')}`);
  const doc = readYamlFile(abs);
  const include = doc.include;
  if (include === undefined) return doc;
  if (!Array.isArray(include) || include.some((x) => typeof x !== 'string')) {
    throw invalid(`include: got ${JSON.stringify(include)}, expected a list of file paths (in ${abs})`);
  }
  let merged: JsonObject = {};
  for (const rel of include as string[]) {
    const sub = readConfigTree(path.resolve(path.dirname(abs), rel), [...seen, abs]);
    delete sub.include;
    merged = deepMerge(merged, sub);
  }
  const own = { ...doc };
  delete own.include;
  return deepMerge(merged, own);
}

/** Parses one `a.b.c=value` override into a path and a YAML-parsed value. */
export function parseOverride(spec: string): { path: string[]; value: Json } {
  if (typeof spec !== 'string') {
    throw new OcrPerfkitTypeError(`an override must be a key.path=value string, got ${describeValue(spec)}`, 'ERR_INVALID_ARGUMENT');
  }
  const eq = spec.indexOf('=');
  const key = eq > 0 ? spec.slice(0, eq).trim() : '';
  const parts = key.split('.');
  if (eq <= 0 || parts.some((p) => !/^[A-Za-z_][A-Za-z0-9_-]*$/.test(p))) {
    throw invalid(`override "${spec}": expected key.path=value with keys of letters, digits, _ or -`);
  }
  const raw = spec.slice(eq + 1);
  let value: Json;
  try {
    value = raw.trim() === '' ? '' : (parseYaml(raw) as Json);
  } catch {
    value = raw;
  }
  return { path: parts, value };
}

/** Applies dotted overrides to a plain object (creating missing levels). */
export function applyOverrides(doc: JsonObject, overrides: readonly string[]): JsonObject {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new OcrPerfkitTypeError(`applyOverrides: the config must be an object, got ${describeValue(doc)}`, 'ERR_INVALID_ARGUMENT');
  }
  if (!Array.isArray(overrides)) {
    throw new OcrPerfkitTypeError(`applyOverrides: overrides must be an array of strings, got ${describeValue(overrides)}`, 'ERR_INVALID_ARGUMENT');
  }
  let out = doc;
  for (const spec of overrides) {
    const { path: keys, value } = parseOverride(spec);
    const patch: JsonObject = {};
    let cur = patch;
    keys.forEach((k, i) => {
      if (i === keys.length - 1) cur[k] = value;
      else {
        const next: JsonObject = {};
        cur[k] = next;
        cur = next;
      }
    });
    // A scalar at an intermediate level is replaced by the patch; the schema then judges it.
    out = deepMerge(out, patch);
  }
  return out;
}

/** Options of {@link loadTrainConfig}. */
export interface LoadConfigOptions {
  /** YAML file (default: none, i.e. all defaults). */
  file?: string;
  /** `a.b.c=value` overrides applied after the file. */
  overrides?: readonly string[];
  /** An object merged over the file before overrides (programmatic config). */
  values?: Record<string, unknown>;
}

/** Loads, merges and validates a training config. */
export function loadTrainConfig(options: LoadConfigOptions = {}): TrainConfig {
  let doc: JsonObject = options.file ? readConfigTree(options.file) : {};
  delete doc.include;
  if (options.values) doc = deepMerge(doc, options.values as JsonObject);
  doc = applyOverrides(doc, options.overrides ?? []);
  return parseConfig(trainConfigSchema, doc);
}
