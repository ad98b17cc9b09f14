/**
 * How the CLI reports a failed command: a usage mistake gets its message and a pointer to
 * `--help` (exit 2); an ocr-perfkit error (a bad config, missing data) its message and code without
 * a stack trace (exit 1); anything else, a bug, its stack (exit 1). An interrupted run (Ctrl-C,
 * `ERR_INTERRUPTED`) exits 130 (143 for SIGTERM), as the signal would have. `OCR_PERFKIT_DEBUG=1`
 * adds the stack to every report.
 */
import { isOcrPerfkitError, OcrPerfkitTypeError } from '../errors';

/** A command line the command cannot run: an unknown flag, a flag without its value. */
export class CliUsageError extends OcrPerfkitTypeError {
  constructor(message: string) {
    super(message, 'ERR_INVALID_ARGUMENT');
  }
}

/** Writes the report of `err` from command `command` to stderr; returns the exit code. */
export function reportFailure(err: unknown, command: string, write: (s: string) => void = (s) => process.stderr.write(s)): number {
  const debug = process.env.OCR_PERFKIT_DEBUG === '1';
  const stack = err instanceof Error && err.stack ? `\n${err.stack}` : '';
  if (err instanceof CliUsageError) {
    write(`ocr-perfkit ${command}: ${err.message}\nRun 'ocr-perfkit ${command} --help' for usage.${debug ? stack : ''}\n`);
    return 2;
  }
  if (isOcrPerfkitError(err, 'ERR_INTERRUPTED')) {
    // Stopped by Ctrl-C (or SIGTERM) after cleaning up: the shell's code for that signal.
    write(`ocr-perfkit ${command}: ${err.message}\n`);
    return /SIGTERM/.test(err.message) ? 143 : 130;
  }
  if (isOcrPerfkitError(err)) {
    write(`ocr-perfkit ${command}: ${err.message} [${err.code}]${debug ? stack : ''}\n`);
    return 1;
  }
  const what = err instanceof Error ? (err.stack ?? err.message) : String(err);
  write(`ocr-perfkit ${command}: unexpected error (a bug; please report it with this output):\n${what}\n`);
  return 1;
}
