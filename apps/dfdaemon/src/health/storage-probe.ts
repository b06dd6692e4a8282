import { randomBytes } from 'node:crypto';
import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { HealthVerdict } from '@d7y/telemetry';

export interface StorageProbeDeps {
  /** storage.dir */
  dir: string;
  /** Longest a probe may take before the storage counts as unhealthy (ms). */
  timeoutMs?: number;
}

/**
 * Tells whether the storage directory takes writes: creates a small file in it, writes, fsyncs
 * and removes it. A read-only, full or vanished disk makes the daemon unhealthy (it could not
 * store a single piece), even though its servers still answer.
 */
export class StorageProbe {
  private readonly dir: string;
  private readonly timeoutMs: number;

  constructor(deps: StorageProbeDeps) {
    this.dir = deps.dir;
    this.timeoutMs = deps.timeoutMs ?? 5_000;
  }

  async check(): Promise<HealthVerdict> {
    const path = join(this.dir, `.health-probe-${randomBytes(6).toString('hex')}`);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<HealthVerdict>((resolve) => {
      timer = setTimeout(() => resolve({ healthy: false, reason: `storage write took longer than ${this.timeoutMs} ms` }), this.timeoutMs);
      timer.unref();
    });
    try {
      return await Promise.race([this.probe(path), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async probe(path: string): Promise<HealthVerdict> {
    try {
      const fh = await open(path, 'wx', 0o600);
      try {
        await fh.write(Buffer.from('ok'));
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rm(path, { force: true });
      return { healthy: true };
    } catch (err) {
      await rm(path, { force: true }).catch(() => undefined);
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      return { healthy: false, reason: `storage directory is not writable (${code})` };
    }
  }
}
