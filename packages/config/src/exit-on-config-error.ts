import type { z } from 'zod';
import { ConfigError } from './config-error.js';
import { loadConfig, type LoadConfigOptions } from './load-config.js';

export interface ExitIo {
  stderr: { write(text: string): unknown };
  exit(code: number): never;
}

const processIo = (): ExitIo => ({ stderr: process.stderr, exit: (code) => process.exit(code) });

/**
 * Prints why the configuration cannot be used to stderr and exits with status 1. Never prints a
 * stack trace: a ConfigError's message already names the file, keys, expectations and findings.
 */
export function exitOnConfigError(err: unknown, io: ExitIo = processIo()): never {
  const text = err instanceof ConfigError ? err.message : `invalid configuration: ${err instanceof Error ? err.message : String(err)}`;
  io.stderr.write(`${text}\n`);
  return io.exit(1);
}

/** loadConfig, or print the problem and exit 1 — for a service's main(). */
export function loadConfigOrExit<S extends z.ZodType>(file: string, schema: S, opts: LoadConfigOptions = {}, io?: ExitIo): Readonly<z.output<S>> {
  try {
    return loadConfig(file, schema, opts);
  } catch (err) {
    return exitOnConfigError(err, io);
  }
}
