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

  /** @param requestStop called once, on the first signal (sets the run's `shouldStop`). */
  constructor(private readonly requestStop: (signal: NodeJS.Signals) => void) {
    for (const signal of STOP_SIGNALS) {
      const listener: Listener = () => this.onSignal(signal);
      listener[OURS] = true;
      this.listeners.set(signal, listener);
      process.on(signal, listener);
    }
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
    process.emitWarning(`ocr-perfkit Trainer: ${signal} received, stopping after the current batch (send it again to stop at once)`, {
      code: 'OCR_PERFKIT_INTERRUPTED',
    });
    this.requestStop(signal);
  }

  /**
   * Stops listening. When a signal was received and the program has no listener of its own for
   * it, raises it again: the process then ends as the signal would have ended it.
   */
  finish(): void {
    const signal = this.received;
    this.dispose();
    if (signal !== undefined && !othersListen(signal)) process.kill(process.pid, signal);
  }

  private dispose(): void {
    for (const [signal, listener] of this.listeners) process.off(signal, listener);
    this.listeners.clear();
  }
}
