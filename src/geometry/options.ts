/**
 * Option objects of the geometry API, validated with zod like every function's options object of
 * the package (src/validation/options.ts): a wrong type or unknown key is `OcrPerfkitTypeError`
 * `ERR_INVALID_ARGUMENT`, an unacceptable value `OcrPerfkitRangeError` `ERR_OUT_OF_RANGE`.
 */
import { z } from 'zod';
import { PolygonCache } from '../cache/polygon_cache';
import { OcrPerfkitRangeError } from '../errors';
import { parseOptions } from '../validation/options';
import type { NativeBooleanSpec, NativeOffsetSpec } from './native';

const finite = () => z.number().refine(Number.isFinite, { message: 'expected a finite number' });
/** `maxOutputPoints`: 1 to 2^32 − 1, the most the result's `Uint32Array` ring offsets can index. */
const outputPointLimit = () =>
  z
    .number()
    .int()
    .min(1)
    .max(2 ** 32 - 1)
    .optional();

/** Options shared by every offsetting call. */
export const offsetOptionsSchema = z
  .object({
    /**
     * `'pyclipper'` (default): reproduces pyclipper 1.2 / Clipper 6.4.2 exactly: input truncated
     * toward zero to integers (after `scale`), round-join step count, output rounding, output
     * order and orientation as Clipper 6.4.2's `ClipperOffset`. `'clipper2'`: Clipper2's
     * `InflatePaths` semantics (arc tolerance |delta|/500 by default, the input orientation kept,
     * coordinates scaled by 10^precision and rounded).
     */
    mode: z.enum(['pyclipper', 'clipper2']).optional(),
    /** Corner style: `'round'` (default), `'miter'`, `'square'`, or `'bevel'` (clipper2 mode only). */
    joinType: z.enum(['round', 'miter', 'square', 'bevel']).optional(),
    /**
     * `'polygon'` (default: closed paths), `'joined'` (closed lines: both sides offset), or open
     * paths with `'butt'`, `'square'` or `'round'` caps. Open paths are only widened (|delta|).
     */
    endType: z.enum(['polygon', 'joined', 'butt', 'square', 'round']).optional(),
    /** Miter joins further than `miterLimit × delta` from the vertex are squared off. Default 2. */
    miterLimit: finite().min(1).optional(),
    /**
     * Largest distance between a round join's arc and its polygon approximation. pyclipper mode:
     * in scaled integer units, default 0.25 (pyclipper's default). clipper2 mode: in input units,
     * default 0 = automatic (|delta| / 500).
     */
    arcTolerance: finite().min(0).optional(),
    /**
     * Decimal places kept from float coordinates: they are multiplied by 10^precision before the
     * integer conversion and divided after. Default 0 in pyclipper mode (plain truncation, as
     * pyclipper), 2 in clipper2 mode (Clipper2's default). Ignored when `scale` is given.
     */
    precision: z.number().int().min(0).max(8).optional(),
    /** Explicit coordinate multiplier (pyclipper's `scale_to_clipper`); overrides `precision`. */
    scale: finite().positive().optional(),
    /** Keep collinear vertices of the cleaned result (Clipper's PreserveCollinear). Default false. */
    preserveCollinear: z.boolean().optional(),
    /** Reverse the orientation of every result path. Default false. */
    reverseSolution: z.boolean().optional(),
    /**
     * Most points the whole result may hold (all polygons of a batch together). The first polygon
     * whose rings take the total past it ends the call with `OcrPerfkitRangeError`
     * `ERR_OUT_OF_RANGE` naming that polygon, instead of growing the result without bound (large
     * deltas with round joins can turn each quad into thousands of points). Default 2^32 − 1, the
     * most the `Uint32Array` ring offsets can index.
     */
    maxOutputPoints: outputPointLimit(),
    /**
     * Memoize each polygon's result in this polygon cache (see `getCache`), looked up inside
     * native code per polygon: the key is the polygon's exact coordinates, ring structure and
     * delta/ratio, the tag every option above that changes the output. A hit skips the offset.
     */
    cache: z.instanceof(PolygonCache).optional(),
  })
  .strict();

/** Options of {@link offsetPaths} and {@link offsetBatch}; see {@link offsetOptionsSchema}. */
export type OffsetOptions = z.input<typeof offsetOptionsSchema>;

/** Options of {@link shrinkPolygon} / {@link shrinkBatch}. */
export const shrinkOptionsSchema = offsetOptionsSchema
  .extend({
    /** DB shrink ratio r: the polygon moves inwards by D = A·(1 − r²)/L. Default 0.4. */
    ratio: finite().min(0).max(1).optional(),
  })
  .strict();
/** Options of {@link shrinkPolygon}; see {@link shrinkOptionsSchema}. */
export type ShrinkOptions = z.input<typeof shrinkOptionsSchema>;

/** Options of {@link unclipPolygon} / {@link unclipBatch}. */
export const unclipOptionsSchema = offsetOptionsSchema
  .extend({
    /** Unclip ratio: the polygon moves outwards by D = A·ratio/L. Default 1.5. */
    ratio: finite().min(0).optional(),
  })
  .strict();
/** Options of {@link unclipPolygon}; see {@link unclipOptionsSchema}. */
export type UnclipOptions = z.input<typeof unclipOptionsSchema>;

/** Options of the boolean operations. */
export const booleanOptionsSchema = z
  .object({
    /** Which regions count as inside: `'evenOdd'`, `'nonZero'` (default), `'positive'`, `'negative'`. */
    fillRule: z.enum(['evenOdd', 'nonZero', 'positive', 'negative']).optional(),
    /**
     * Decimal places kept. As Clipper2's `BooleanOpD`, coordinates are scaled by the power of two
     * just above 10^precision (128 for the default 2) and rounded to integers.
     */
    precision: z.number().int().min(0).max(8).optional(),
    /** Explicit coordinate multiplier; overrides `precision`. */
    scale: finite().positive().optional(),
    /** Keep collinear vertices. Default false. */
    preserveCollinear: z.boolean().optional(),
    /** Reverse the orientation of every result path. Default false. */
    reverseSolution: z.boolean().optional(),
    /**
     * Most points the result may hold (all rings together). A result with more ends the call with
     * `OcrPerfkitRangeError` `ERR_OUT_OF_RANGE` (crossing edges can make far more points than the
     * inputs have). Default 2^32 − 1, the most the result's `Uint32Array` ring offsets can index.
     */
    maxOutputPoints: outputPointLimit(),
  })
  .strict();
/** Options of {@link union}, {@link intersection}, {@link difference}, {@link xor}. */
export type BooleanOptions = z.input<typeof booleanOptionsSchema>;

type Kind = NativeOffsetSpec['kind'];

const defaultSpecs = new Map<Kind, NativeOffsetSpec & { ratio?: number }>();

/** Validates offset options and fills in the defaults of the chosen mode. */
export function resolveOffsetSpec(options: unknown, kind: Kind = 'delta', where = 'options'): NativeOffsetSpec & {
  ratio?: number;
  /** The cache's native handle, when `options.cache` was given. */
  cacheHandle?: unknown;
} {
  if (options === undefined) {
    // Per-polygon helpers are often called without options: validate the defaults once.
    let spec = defaultSpecs.get(kind);
    if (!spec) {
      spec = Object.freeze(resolveOffsetSpec({}, kind, where));
      defaultSpecs.set(kind, spec);
    }
    return spec;
  }
  const schema = kind === 'shrink' ? shrinkOptionsSchema : kind === 'unclip' ? unclipOptionsSchema : offsetOptionsSchema;
  const o = parseOptions(schema, options ?? {}, where) as z.output<typeof shrinkOptionsSchema>;
  const mode = o.mode ?? 'pyclipper';
  const joinType = o.joinType ?? 'round';
  if (mode === 'pyclipper' && joinType === 'bevel') {
    throw new OcrPerfkitRangeError(
      `${where}.joinType: got "bevel", expected round | miter | square in mode 'pyclipper' (Clipper 6.4.2 has no bevel join; use mode 'clipper2')`,
      'ERR_OUT_OF_RANGE',
    );
  }
  const precision = o.precision ?? (mode === 'pyclipper' ? 0 : 2);
  return {
    mode,
    joinType,
    endType: o.endType ?? 'polygon',
    miterLimit: o.miterLimit ?? 2,
    arcTolerance: o.arcTolerance ?? (mode === 'pyclipper' ? 0.25 : 0),
    scale: o.scale ?? 10 ** precision,
    preserveCollinear: o.preserveCollinear ?? false,
    reverseSolution: o.reverseSolution ?? false,
    ...(o.maxOutputPoints === undefined ? {} : { maxOutputPoints: o.maxOutputPoints }),
    kind,
    ratio: o.ratio,
    cacheHandle: o.cache?.nativeHandle,
  };
}

/** An offsetting call's options, resolved: the spec shared by equal options, its packed form, and the per-call values. */
export interface ResolvedOffsetCall {
  spec: NativeOffsetSpec;
  /** {@link packOffsetSpec} of `spec`. */
  packed: Float64Array;
  ratio: number | undefined;
  /** The cache's native handle, when `options.cache` was given. */
  cacheHandle: unknown;
}

type Mode = NativeOffsetSpec['mode'];
const baseCalls: Record<Kind, Partial<Record<Mode, ResolvedOffsetCall>>> = { delta: {}, shrink: {}, unclip: {} };

/** The resolved defaults of `kind` in `mode` (made once). */
function baseCall(kind: Kind, mode: Mode): ResolvedOffsetCall {
  const byMode = baseCalls[kind];
  let call = byMode[mode];
  if (!call) {
    const spec = Object.freeze(resolveOffsetSpec(mode === 'pyclipper' ? {} : { mode }, kind));
    call = Object.freeze({ spec, packed: packOffsetSpec(spec), ratio: undefined, cacheHandle: undefined });
    byMode[mode] = call;
  }
  return call;
}

/**
 * The common option objects of per-polygon calls (`undefined`, `{}`, `{ ratio }`, `{ mode }`,
 * `{ cache }` and their combinations) without a zod parse: a plain object whose keys are all among
 * those and whose values zod would accept unchanged. Anything else returns undefined and goes
 * through {@link resolveOffsetSpec}, which validates it (and throws the usual errors).
 */
function fastOffsetCall(options: unknown, kind: Kind): ResolvedOffsetCall | undefined {
  if (options === undefined) return baseCall(kind, 'pyclipper');
  if (typeof options !== 'object' || options === null || Object.getPrototypeOf(options) !== Object.prototype) return undefined;
  let mode: Mode = 'pyclipper';
  let ratio: number | undefined;
  let cache: PolygonCache | undefined;
  const o = options as Record<string, unknown>;
  for (const key in o) {
    const v = o[key];
    if (v === undefined) {
      if (key !== 'ratio' && key !== 'mode' && key !== 'cache') return undefined;
    } else if (key === 'ratio') {
      if (kind === 'delta' || typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (kind === 'shrink' && v > 1)) return undefined;
      ratio = v;
    } else if (key === 'mode') {
      if (v !== 'pyclipper' && v !== 'clipper2') return undefined;
      mode = v;
    } else if (key === 'cache') {
      if (!(v instanceof PolygonCache)) return undefined;
      cache = v;
    } else {
      return undefined;
    }
  }
  if (kind === 'delta' && 'ratio' in o) return undefined;  // not a key of offsetOptionsSchema
  const base = baseCall(kind, mode);
  if (ratio === undefined && cache === undefined) return base;
  return { spec: base.spec, packed: base.packed, ratio, cacheHandle: cache?.nativeHandle };
}

/** {@link resolveOffsetSpec} for one call, with a fast path for the common option objects. */
export function resolveOffsetCall(options: unknown, kind: Kind = 'delta', where = 'options'): ResolvedOffsetCall {
  const fast = fastOffsetCall(options, kind);
  if (fast) return fast;
  const spec = resolveOffsetSpec(options, kind, where);
  return { spec, packed: packOffsetSpec(spec), ratio: spec.ratio, cacheHandle: spec.cacheHandle };
}

/** Validates boolean options. */
export function resolveBooleanSpec(op: NativeBooleanSpec['op'], options: unknown): NativeBooleanSpec {
  const o = parseOptions(booleanOptionsSchema, options ?? {}, 'options');
  return {
    op,
    fillRule: o.fillRule ?? 'nonZero',
    scale: o.scale ?? clipper2Scale(o.precision ?? 2),
    preserveCollinear: o.preserveCollinear ?? false,
    reverseSolution: o.reverseSolution ?? false,
    ...(o.maxOutputPoints === undefined ? {} : { maxOutputPoints: o.maxOutputPoints }),
  };
}

/** Clipper2's ClipperD scale for `precision` decimals: the power of two just above 10^precision. */
export function clipper2Scale(precision: number): number {
  return 2 ** (Math.floor(Math.log2(10 ** precision)) + 1);
}

const JOIN_CODE = { round: 0, miter: 1, square: 2, bevel: 3 } as const;
const END_CODE = { polygon: 0, joined: 1, butt: 2, square: 3, round: 4 } as const;
const KIND_CODE = { delta: 0, shrink: 1, unclip: 2 } as const;
const packed = new WeakMap<object, Float64Array>();

/**
 * The native packed form of a resolved spec (see geometry_binding.cc ReadPackedSpec), cached per
 * spec object: the addon then reads one typed array instead of a dozen properties per call.
 */
export function packOffsetSpec(spec: NativeOffsetSpec): Float64Array {
  let p = packed.get(spec);
  if (!p) {
    p = new Float64Array([
      1,
      spec.mode === 'clipper2' ? 1 : 0,
      JOIN_CODE[spec.joinType],
      END_CODE[spec.endType],
      spec.miterLimit,
      spec.arcTolerance,
      spec.scale,
      spec.preserveCollinear ? 1 : 0,
      spec.reverseSolution ? 1 : 0,
      KIND_CODE[spec.kind],
      spec.jsCompat ? 1 : 0,
      spec.fastPath === false ? 0 : 1,
      spec.maxOutputPoints ?? 0,
    ]);
    packed.set(spec, p);
  }
  return p;
}
