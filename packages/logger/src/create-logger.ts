import { hostname } from 'node:os';
import { Writable } from 'node:stream';
import { pino, type DestinationStream, type Level, type Logger, type LoggerOptions } from 'pino';
import { redactString, redactValue } from './redact.js';

export type { Logger, DestinationStream };

export const LOG_LEVELS: readonly string[] = Object.freeze(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

export interface CreateLoggerOptions {
  name?: string;
  /** fatal | error | warn | info (default) | debug | trace | silent */
  level?: string;
  /** Where JSON lines go; default stdout. */
  destination?: DestinationStream;
  /** One human-readable line per entry instead of JSON (for a terminal). */
  pretty?: boolean;
  /** Extra fields on every line. */
  base?: Record<string, unknown>;
}

/**
 * The one pino set-up of the project. Secrets are redacted from the logged object, child bindings
 * and message strings: see redact.ts for the rules. `err` keeps pino's error serialization.
 */
export function createLogger(opts: CreateLoggerOptions = {}): Logger {
  const level = opts.level ?? 'info';
  if (!LOG_LEVELS.includes(level)) {
    throw new RangeError(`unknown log level ${JSON.stringify(level)} (expected one of ${LOG_LEVELS.join(', ')})`);
  }
  const options: LoggerOptions = {
    level,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: {
      level: (label) => ({ level: label }),
      bindings: (bindings) => redactValue(bindings) as Record<string, unknown>,
      // Runs before pino's serializers; it serializes Errors at any key itself (see redact.ts).
      log: (object) => redactValue(object) as Record<string, unknown>,
    },
    // `err` arrives already serialized by the log formatter; re-serializing would turn its type into "Object".
    serializers: { err: (value: unknown) => (value instanceof Error ? redactValue(value) : value) },
    hooks: {
      logMethod(args, method) {
        const safe = args.map((arg: unknown) => (typeof arg === 'string' ? redactString(arg) : arg));
        return method.apply(this, safe as Parameters<typeof method>);
      },
    },
  };
  if (opts.name !== undefined) options.name = opts.name;
  if (opts.base !== undefined) options.base = { pid: process.pid, hostname: hostname(), ...(redactValue(opts.base) as object) };
  const destination = opts.destination ?? pino.destination({ dest: 1, sync: false });
  const logger = pino(options, opts.pretty === true ? prettyStream(destination) : destination);
  // pino applies the bindings formatter to the root only; children inherit this override of child().
  const child = logger.child;
  const redactingChild = function (this: Logger, bindings: Record<string, unknown>, childOptions?: unknown) {
    return child.call(this, redactValue(bindings) as Record<string, unknown>, childOptions as never);
  };
  (logger as unknown as { child: typeof redactingChild }).child = redactingChild;
  return logger;
}

/** `HH:MM:SS.mmm LEVEL name: message key=value …` — enough for a terminal without pino-pretty. */
function prettyStream(out: DestinationStream): DestinationStream {
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() === '') continue;
        out.write(`${prettyLine(line)}\n`);
      }
      done();
    },
  });
  return stream;
}

function prettyLine(json: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const { time, level, name, msg, pid: _pid, hostname: _hostname, err, ...rest } = entry;
  const clock = typeof time === 'string' ? time.slice(11, 23) : '';
  const fields = Object.entries(rest).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ');
  const label = String(level as Level).toUpperCase().padEnd(5);
  const stack = err !== undefined && typeof (err as { stack?: unknown }).stack === 'string' ? `\n${(err as { stack: string }).stack}` : '';
  return `${clock} ${label} ${name !== undefined ? `${String(name)}: ` : ''}${String(msg ?? '')}${fields ? ` ${fields}` : ''}${stack}`;
}
