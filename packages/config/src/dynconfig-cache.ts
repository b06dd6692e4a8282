import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from '@d7y/core';

/** The one method of a pino logger this cache uses. */
export interface DynconfigCacheLogger {
  warn(obj: object, msg: string): void;
}

export interface DynconfigCacheDeps<T> {
  /** File holding the last good answer (JSON); its directory is created 0700. */
  path: string;
  /** Validates what was read back; throws (with a reason) when the file does not hold a T. */
  parse: (value: unknown) => T;
  logger: DynconfigCacheLogger;
}

/**
 * The manager's last good answer on disk (the scheduler's cluster config, the dfdaemon's scheduler
 * list), so that a restart while the manager is down starts from it; upstream keeps it in memory
 * only. Written atomically (temporary file, fsync, rename, directory fsync), mode 0600. A missing
 * or corrupt file is "no cache", never a start failure.
 */
export class DynconfigCache<T> {
  private readonly d: DynconfigCacheDeps<T>;

  constructor(deps: DynconfigCacheDeps<T>) {
    this.d = deps;
  }

  get path(): string {
    return this.d.path;
  }

  async load(): Promise<T | undefined> {
    let text: string;
    try {
      text = await readFile(this.d.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.d.logger.warn({ component: 'dynconfig-cache', path: this.d.path, err: (err as Error).message }, 'cannot read the dynconfig cache');
      }
      return undefined;
    }
    try {
      return this.d.parse(JSON.parse(text));
    } catch (err) {
      this.d.logger.warn({ component: 'dynconfig-cache', path: this.d.path, err: (err as Error).message }, 'ignoring a corrupt dynconfig cache');
      return undefined;
    }
  }

  async save(value: T): Promise<void> {
    await mkdir(dirname(this.d.path), { recursive: true, mode: 0o700 });
    await writeFileAtomic(this.d.path, `${JSON.stringify(value)}\n`, 0o600);
  }
}
