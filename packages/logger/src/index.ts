export { createLogger, LOG_LEVELS } from './create-logger.js';
export type { CreateLoggerOptions, Logger, DestinationStream } from './create-logger.js';
export { redactValue, redactString, isSecretKey, REDACTED } from './redact.js';
