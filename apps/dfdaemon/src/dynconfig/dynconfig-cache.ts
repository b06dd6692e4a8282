import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from '@d7y/logger';
import { writeFileAtomic } from '../storage/atomic-file.js';

export interface DynconfigCacheDeps<T> {
  /** File holding the last good answer (JSON); its directory is created 0700. */
  path: string;
  /** Validates what was read back; throws (with a reason) when the file does not hold a T. */
  parse: (value: unknown) => T;
  logger: Logger;
}

/**
 * The last good answer of the manager, on disk, so that a restart while the manager is down still
 * starts from what it last said (upstream keeps it only in memory). Written atomically, mode 0600.
 * A missing or unreadable file is "no cache", never a start failure.
 */
export class DynconfigCache<T> {
  private readonly d: DynconfigCacheDeps<T>;
  private readonly log: Logger;

  constructor(deps: DynconfigCacheDeps<T>) {
    this.d = deps;
    this.log = deps.logger.child({ component: 'dynconfig-cache' });
  }

  get path(): string {
    return this.d.path;
  }

  async load(): Promise<T | undefined> {
    let text: string;
    try {
      text = await readFile(this.d.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.log.warn({ path: this.d.path, err: (err as Error).message }, 'cannot read the dynconfig cache');
      return undefined;
    }
    try {
      return this.d.parse(JSON.parse(text));
    } catch (err) {
      this.log.warn({ path: this.d.path, err: (err as Error).message }, 'ignoring a corrupt dynconfig cache');
      return undefined;
    }
  }

  async save(value: T): Promise<void> {
    await mkdir(dirname(this.d.path), { recursive: true, mode: 0o700 });
    await writeFileAtomic(this.d.path, `${JSON.stringify(value)}\n`, 0o600);
  }
}
