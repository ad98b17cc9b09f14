/**
 * {@link SignalStop}: what Ctrl-C does to a running {@link Trainer.fit}, as a Lightning user
 * expects it. The first SIGINT or SIGTERM asks the loop to stop after the current batch; the fit
 * then runs `onException` (`ERR_INTERRUPTED`) and `onTrainEnd` and closes the loggers as
 * `killed`: buffered JSONL and TensorBoard lines are written, an MLflow run is marked KILLED
 * instead of staying RUNNING, the Chrome trace is written. Then, unless the program has its own
 * listener for that signal, the signal is raised again and ends the process as it would have
 * (exit by SIGINT, 130 in a shell); with a listener of its own, `fit` rejects with
 * `ERR_INTERRUPTED` and the program decides. A second signal while stopping ends the process at
 * once (again only when nobody else listens).
 */
const OURS = Symbol('ocr-perfkit signal stop');

type Listener = (() => void) & { [OURS]?: true };

/**
 * A full turn of the event loop: due timers, I/O callbacks, signal listeners and settled native
 * work run before it resolves. One `setImmediate` can run in the current turn's check phase,
 * before the next timers phase; the second one, queued from a check phase, runs only after a
 * whole turn.
 */
export async function turnEventLoop(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
}

/** At most this long (ms) between two event-loop turns while listening for signals. */
export const SIGNAL_POLL_MS = 100;

/** Signals the trainer stops on. */
export const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

/** True when some listener other than an ocr-perfkit one handles `signal`. */
function othersListen(signal: NodeJS.Signals): boolean {
  return process.listeners(signal).some((l) => !(l as Listener)[OURS]);
}

/** Listens for the stop signals while a fit runs. */
export class SignalStop {
  /** The first signal received, if any. */
  received: NodeJS.Signals | undefined;
  private readonly listeners = new Map<NodeJS.Signals, Listener>();
  private finished = false;
  private lastTurn = performance.now();

  /**
   * @param requestStop called once, on the first signal (sets the run's `shouldStop`).
   * @param who the loop, for the warning printed on the first signal.
   */
  constructor(
    private readonly requestStop: (signal: NodeJS.Signals) => void,
    private readonly who = 'Trainer',
  ) {
    for (const signal of STOP_SIGNALS) {
      const listener: Listener = () => this.onSignal(signal);
      listener[OURS] = true;
      this.listeners.set(signal, listener);
      process.on(signal, listener);
    }
  }

  /**
   * A signal listener runs only when the event loop turns, and a loop whose awaits all settle at
   * once (tensors in memory, prefetched batches) never turns it. Called after each batch, this
   * turns it when {@link SIGNAL_POLL_MS} have passed since the last turn (else returns undefined);
   * loops that turn it anyway call {@link turned}.
   */
  poll(): Promise<void> | undefined {
    if (performance.now() - this.lastTurn < SIGNAL_POLL_MS) return undefined;
    this.lastTurn = performance.now();
    return turnEventLoop();
  }

  /** The caller just turned the event loop. */
  turned(): void {
    this.lastTurn = performance.now();
  }

  private onSignal(signal: NodeJS.Signals): void {
    if (this.received !== undefined) {
      if (!othersListen(signal)) {
        this.dispose();
        process.kill(process.pid, signal);
      }
      return;
    }
    this.received = signal;
    // A program that listens for the signal itself tells its user what happens next.
    if (!othersListen(signal)) {
      process.emitWarning(`ocr-perfkit ${this.who}: ${signal} received, stopping after the current batch (send it again to stop at once)`, {
        code: 'OCR_PERFKIT_INTERRUPTED',
      });
    }
    this.requestStop(signal);
  }

  /**
   * Stops listening. When a signal was received and the program has no listener of its own for
   * it, raises it again: the process then ends as the signal would have ended it. Only the first
   * call does anything.
   */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    const signal = this.received;
    this.dispose();
    if (signal !== undefined && !othersListen(signal)) process.kill(process.pid, signal);
  }

  private dispose(): void {
    for (const [signal, listener] of this.listeners) process.off(signal, listener);
    this.listeners.clear();
  }
}
