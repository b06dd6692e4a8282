/** The slice of a pino logger this package uses (a @d7y/logger Logger fits). */
export interface TlsLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}
