/** zod schema of the {@link Trainer}'s serializable options (the `trainer:` block of train.yaml). */
import { z } from 'zod';

/** Serializable trainer options. */
export const trainerConfigSchema = z
  .object({
    /** Training epochs to run. */
    maxEpochs: z.number().int().min(1).default(1),
    /**
     * Smoke-test mode: `true` (= 1) or n runs one epoch of n training and n validation batches.
     * Callbacks and loggers stay on (unlike Lightning, loggers are not muted).
     */
    fastDevRun: z
      .union([z.boolean(), z.number().int().min(1)], { error: 'expected true, false or an integer >= 1' })
      .default(false),
    /** At most this many training batches per epoch (default: all). */
    limitTrainBatches: z.number().int().min(1).optional(),
    /** At most this many validation batches per epoch; 0 skips validation (default: all). */
    limitValBatches: z.number().int().min(0).optional(),
    /** Log step outputs (e.g. `train/loss`) every n training steps; this reads them from the device. */
    logEveryNSteps: z.number().int().min(1).default(50),
    /**
     * Run each step inside `tf.tidy`. Steps must then be synchronous: a step that returns a promise
     * fails the run with `ERR_INVALID_ARGUMENT` (tf.tidy cannot track an async step's tensors).
     */
    tidy: z.boolean().default(true),
    /** Dispose the tensors of each batch after its step. */
    disposeBatches: z.boolean().default(true),
    /**
     * Let the event loop turn after every n batches (two `setImmediate`s, microseconds): timers,
     * I/O, metric scrapes and the results of async transforms run between steps instead of
     * waiting until a batch is not ready (a loop whose batches are all prefetched otherwise only
     * awaits settled promises, which never yields). Counted as data wait. 0 = never (with
     * `gracefulSignals` on, the loop still turns every 100 ms so that Ctrl-C is heard).
     */
    yieldEveryNSteps: z.number().int().min(0).default(1),
    /** Close the loggers when `fit`/`validate` ends (false: keep them open for a later call). */
    closeLoggers: z.boolean().default(true),
    /**
     * On SIGINT/SIGTERM during `fit` or `validate`, stop after the current batch, run `onException`
     * (`ERR_INTERRUPTED`) and close the loggers as `killed`, then let the signal end the process
     * (or, when the program listens for it itself, reject with `ERR_INTERRUPTED`). A second
     * signal ends the process at once. false: signals are left alone.
     */
    gracefulSignals: z.boolean().default(true),
  })
  .strict();

/** Parsed trainer options. */
export type TrainerConfig = z.output<typeof trainerConfigSchema>;
