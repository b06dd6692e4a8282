import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { TLS_FILES } from './tls-source.js';

/** Write a file so readers see the old or the new content, never a mix: temp file, fsync, rename. */
export function writeFileAtomic(path: string, data: string | Buffer, mode: number): void {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  // 'wx' with the final mode: the secret never exists with wider permissions, even briefly
  const fd = openSync(temp, 'wx', mode);
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw err;
  }
  closeSync(fd);
  try {
    renameSync(temp, path);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
  try {
    const dirFd = openSync(dir, 'r');
    try {
      fsyncSync(dirFd);
    } finally {
      closeSync(dirFd);
    }
  } catch {
    // directory fsync is not supported everywhere; the rename itself is still atomic
  }
}

export interface TlsDirContents {
  caPem: string;
  certPem: string;
  keyPem: string;
}

/** ca.crt and tls.crt 0644, tls.key 0600, each replaced atomically; the directory is made 0700. */
export function writeTlsDir(dir: string, contents: TlsDirContents): void {
  if (typeof dir !== 'string' || dir === '') throw new Error('writeTlsDir: dir must be a non-empty path');
  for (const field of ['caPem', 'certPem', 'keyPem'] as const) {
    if (typeof contents?.[field] !== 'string' || contents[field] === '') throw new Error(`writeTlsDir: ${field} must be PEM text`);
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileAtomic(join(dir, TLS_FILES.ca), contents.caPem, 0o644);
  writeFileAtomic(join(dir, TLS_FILES.key), contents.keyPem, 0o600);
  writeFileAtomic(join(dir, TLS_FILES.cert), contents.certPem, 0o644);
}
