import type { Logger } from '@d7y/logger';
import type { DiskUsage, Storage } from './storage.js';

export interface StorageGcDeps {
  storage: Storage;
  logger: Logger;
  /** gc.interval (ms). */
  intervalMs: number;
  /** gc.policy.taskTTL (ms): a task untouched for longer is removed. */
  taskTtlMs: number;
  /** gc.policy.diskHighThresholdPercent: eviction starts at this usage. */
  diskHighThresholdPercent: number;
  /** gc.policy.diskLowThresholdPercent: eviction stops at this usage. */
  diskLowThresholdPercent: number;
  /** gc.policy.diskThreshold (bytes): a logical capacity used instead of the real disk size. */
  diskThresholdBytes?: number;
  now?: () => number;
  diskUsage?: () => Promise<DiskUsage>;
  /** Called after a task was evicted (the daemon tells the scheduler). */
  onEvicted?: (taskId: string) => void;
}

/**
 * Removes tasks by TTL, then, while disk usage is at or above the high threshold, evicts the
 * least recently used tasks until usage reaches the low threshold. Tasks that are being
 * downloaded, read or served (pinned) are never evicted.
 */
export class StorageGc {
  private readonly deps: StorageGcDeps;
  private readonly log: Logger;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<string[]> | undefined;

  constructor(deps: StorageGcDeps) {
    this.deps = deps;
    this.log = deps.logger.child({ component: 'gc' });
    this.now = deps.now ?? Date.now;
  }

  start(): void {
    this.timer = setInterval(() => {
      void this.runOnce().catch((err: unknown) => this.log.error({ err }, 'gc failed'));
    }, this.deps.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  /** One GC pass; returns the evicted task IDs. Concurrent calls share one pass. */
  runOnce(): Promise<string[]> {
    this.running ??= this.pass().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async pass(): Promise<string[]> {
    const evicted: string[] = [];
    const { storage } = this.deps;
    const now = this.now();
    for (const t of storage.list()) {
      if (t.inUse || t.meta.updatedAt + this.deps.taskTtlMs >= now) continue;
      await this.evict(t.id, 'ttl', evicted);
    }

    const { totalBytes, usedBytes } = await this.usage();
    if (totalBytes <= 0) return evicted;
    const usedPercent = (usedBytes * 100) / totalBytes;
    if (usedPercent < this.deps.diskHighThresholdPercent) return evicted;
    // bytes to free = total × (usage% − low%) / 100
    let toFree = (totalBytes * (usedPercent - this.deps.diskLowThresholdPercent)) / 100;
    const candidates = storage
      .list()
      .filter((t) => !t.inUse)
      .sort((a, b) => a.meta.updatedAt - b.meta.updatedAt);
    for (const t of candidates) {
      if (toFree <= 0) break;
      if (t.inUse) continue;
      toFree -= t.finishedBytes;
      await this.evict(t.id, 'disk', evicted);
    }
    if (toFree > 0) this.log.warn({ bytesStillOver: Math.round(toFree) }, 'disk above low threshold; remaining tasks are in use');
    return evicted;
  }

  private async usage(): Promise<{ totalBytes: number; usedBytes: number }> {
    const { storage, diskThresholdBytes } = this.deps;
    if (diskThresholdBytes !== undefined && diskThresholdBytes > 0) {
      return { totalBytes: diskThresholdBytes, usedBytes: storage.usedBytes() };
    }
    const d = await (this.deps.diskUsage ?? (() => storage.diskUsage()))();
    return { totalBytes: d.totalBytes, usedBytes: d.totalBytes - d.freeBytes };
  }

  private async evict(taskId: string, reason: 'ttl' | 'disk', evicted: string[]): Promise<void> {
    if (await this.deps.storage.delete(taskId)) {
      evicted.push(taskId);
      this.log.info({ taskId, reason }, 'evicted task');
      this.deps.onEvicted?.(taskId);
    }
  }
}
