import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

// The HMAC secret for JWTs. The configured string is used literally (as upstream does); a known
// public default or a key shorter than 32 bytes stops the manager. With no key configured one is
// generated once and kept in <dataDir>/jwt.key (0600), so tokens survive restarts.

/** Secrets that have been published: upstream's docs/Helm default, its old hard-coded key, and the usual suspects. */
export const KNOWN_DEFAULT_JWT_KEYS: readonly string[] = [
  'ZHJhZ29uZmx5Cg==',
  'dragonfly\n',
  'dragonfly',
  'Secret Key',
  'secret',
  'secret-key',
  'changeme',
  'change-me',
  'your-256-bit-secret',
];

export const MIN_JWT_KEY_BYTES = 32;
export const JWT_KEY_FILE = 'jwt.key';

export class JwtKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JwtKeyError';
  }
}

export function checkJwtKey(key: string): void {
  if (KNOWN_DEFAULT_JWT_KEYS.some((k) => k.trim() === key.trim())) {
    throw new JwtKeyError(
      'auth.jwt.key is a published default key: anyone could sign tokens with it. ' +
        'Remove auth.jwt.key to let the manager generate one, or set a random secret of at least 32 bytes (e.g. `openssl rand -base64 48`).',
    );
  }
  const bytes = Buffer.byteLength(key, 'utf8');
  if (bytes < MIN_JWT_KEY_BYTES) {
    throw new JwtKeyError(
      `auth.jwt.key is ${bytes} bytes long; it must be at least ${MIN_JWT_KEY_BYTES} bytes. ` +
        'Remove it to let the manager generate one, or set a random secret (e.g. `openssl rand -base64 48`).',
    );
  }
}

/** Answers the key to sign with: the configured one (checked), else the persisted or a new generated one. */
export function resolveJwtKey(opts: { configuredKey: string | undefined; dataDir: string }): { key: string; source: 'config' | 'file' | 'generated' } {
  if (opts.configuredKey !== undefined && opts.configuredKey !== '') {
    checkJwtKey(opts.configuredKey);
    return { key: opts.configuredKey, source: 'config' };
  }
  const file = join(opts.dataDir, JWT_KEY_FILE);
  let existing: string | undefined;
  try {
    existing = readFileSync(file, 'utf8').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (existing !== undefined) {
    const mode = statSync(file).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      throw new JwtKeyError(`${file} is readable by others (mode ${mode.toString(8)}); run chmod 600 on it`);
    }
    checkJwtKey(existing);
    return { key: existing, source: 'file' };
  }
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const key = randomBytes(48).toString('base64url');
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${key}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
  return { key, source: 'generated' };
}
