/**
 * Error classes of ocr-perfkit. Every error thrown by the package (from TypeScript or from
 * the native addon) is one of these and carries a stable `code` string that callers can
 * switch on; messages may change between versions, codes do not.
 *
 * Codes in use:
 * - TypeError: `ERR_INVALID_ARGUMENT`.
 * - RangeError: `ERR_OUT_OF_RANGE`, `ERR_INVALID_POLYGON`, `ERR_COORDINATE_OVERFLOW`,
 *   `ERR_BUFFER_SIZE`, `ERR_OUT_OF_MEMORY`, `ERR_INVALID_CONFIG`, `ERR_UNKNOWN_DEVICE`.
 * - Error: `ERR_UNAVAILABLE`, `ERR_NVML_UNAVAILABLE`, `ERR_CUPTI_UNAVAILABLE`,
 *   `ERR_CUPTI_SUBSCRIBER`, `ERR_CUPTI_PRIVILEGES`, `ERR_CUPTI_NO_DEVICE`, `ERR_CUPTI_LIBRARY`,
 *   `ERR_CUDA_UNAVAILABLE`, `ERR_CUDA`, `ERR_LIBRARY`, `ERR_CLOSED`, `ERR_ADDON_LOAD`,
 *   `ERR_WORKER_TASK`, `ERR_WORKER_START`, `ERR_MLFLOW`, `ERR_INTERRUPTED`, `ERR_INTERNAL`.
 */

/** Shape shared by all ocr-perfkit errors. */
export interface OcrPerfkitErrorLike {
  /** Stable machine-readable error code, e.g. `ERR_INVALID_POLYGON`. */
  readonly code: string;
}

/** A runtime failure (library unavailable, closed object, internal error). */
export class OcrPerfkitError extends Error implements OcrPerfkitErrorLike {
  readonly code: string;
  constructor(message: string, code = 'ERR_INTERNAL', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OcrPerfkitError';
    this.code = code;
  }
}

/** An argument of the wrong type or shape. */
export class OcrPerfkitTypeError extends TypeError implements OcrPerfkitErrorLike {
  readonly code: string;
  constructor(message: string, code = 'ERR_INVALID_ARGUMENT') {
    super(message);
    this.name = 'OcrPerfkitTypeError';
    this.code = code;
  }
}

/** A value outside its allowed range (bad polygon, bad size, overflow). */
export class OcrPerfkitRangeError extends RangeError implements OcrPerfkitErrorLike {
  readonly code: string;
  constructor(message: string, code = 'ERR_OUT_OF_RANGE') {
    super(message);
    this.name = 'OcrPerfkitRangeError';
    this.code = code;
  }
}

/** True when `err` is an ocr-perfkit error, optionally with the given code. */
export function isOcrPerfkitError(err: unknown, code?: string): err is Error & OcrPerfkitErrorLike {
  const ok =
    err instanceof OcrPerfkitError || err instanceof OcrPerfkitTypeError || err instanceof OcrPerfkitRangeError;
  return ok && (code === undefined || (err as OcrPerfkitErrorLike).code === code);
}
