import type { EventEmitter } from 'node:events';

/** What stopOnSignals logs with (a pino logger fits). */
export interface StopLog {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface StopOnSignalsDeps {
  log: StopLog;
  /** Where the signals come from (default: the process). */
  signals?: Pick<EventEmitter, 'on'>;
  /** How to leave (default: process.exit). */
  exit?: (code: number) => void;
}

/**
 * A service's graceful stop: on the first SIGINT or SIGTERM it logs the signal, runs `stop` and
 * exits 0, or 1 when `stop` fails (logged). Signals that arrive while it stops are ignored.
 */
export function stopOnSignals(stop: () => Promise<void>, deps: StopOnSignalsDeps): void {
  const signals = deps.signals ?? process;
  const exit = deps.exit ?? ((code: number) => process.exit(code));
  let stopping = false;
  const onSignal = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    deps.log.info({ signal }, 'stopping');
    stop().then(
      () => exit(0),
      (err: unknown) => {
        deps.log.error({ err }, 'stop failed');
        exit(1);
      },
    );
  };
  signals.on('SIGINT', () => onSignal('SIGINT'));
  signals.on('SIGTERM', () => onSignal('SIGTERM'));
}
