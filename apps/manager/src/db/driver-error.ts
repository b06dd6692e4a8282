import { ManagerError, conflict, databaseUnavailable } from '../errors.js';

// Translates errors of better-sqlite3, pg and mysql2 into catalogued errors. Anything not
// recognised is returned unchanged (it becomes a 500 without details).

interface DriverError {
  code?: unknown;
  errno?: unknown;
  message?: unknown;
}

const UNIQUE_CODES = new Set(['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY', '23505', 'ER_DUP_ENTRY']);
const FOREIGN_KEY_CODES = new Set([
  'SQLITE_CONSTRAINT_FOREIGNKEY',
  '23503',
  'ER_ROW_IS_REFERENCED_2',
  'ER_ROW_IS_REFERENCED',
  'ER_NO_REFERENCED_ROW_2',
  'ER_NO_REFERENCED_ROW',
]);
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EPIPE',
  'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_CANTOPEN',
  'SQLITE_FULL',
  'SQLITE_READONLY',
  '53300', // too_many_connections
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
]);
const UNAVAILABLE_MESSAGES =
  /connection terminated|timeout exceeded when trying to connect|not queryable|closed state|pool is closed|connection is not open|connect ECONNREFUSED|socket hang up|read ECONNRESET|the database connection is not open/i;

export function translateDriverError(err: unknown): unknown {
  if (err instanceof ManagerError) return err;
  if (typeof err !== 'object' || err === null) return err;
  const e = err as DriverError;
  const code = typeof e.code === 'string' ? e.code : undefined;
  const message = typeof e.message === 'string' ? e.message : '';
  if (code !== undefined && UNIQUE_CODES.has(code)) return conflict('a record with the same unique key already exists');
  if (code !== undefined && FOREIGN_KEY_CODES.has(code)) {
    return new ManagerError('DF_ERR_MANAGER_IN_USE', 'the record is referenced by other records, or references a missing one', {
      cause: err,
    });
  }
  if (code !== undefined && (UNAVAILABLE_CODES.has(code) || code.startsWith('08') || code.startsWith('SQLITE_IOERR'))) {
    return databaseUnavailable(err);
  }
  // AggregateError from net when every address of the host refused.
  if (err instanceof AggregateError && err.errors.some((inner) => translateDriverError(inner) instanceof ManagerError)) {
    return databaseUnavailable(err);
  }
  if (UNAVAILABLE_MESSAGES.test(message)) return databaseUnavailable(err);
  return err;
}
