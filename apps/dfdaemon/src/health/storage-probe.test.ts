import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StorageProbe } from './storage-probe.js';

describe('StorageProbe', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
  });

  it('is healthy on a writable directory and leaves nothing behind', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'probe-'));
    dirs.push(dir);
    expect(await new StorageProbe({ dir }).check()).toEqual({ healthy: true });
    expect(await readdir(dir)).toEqual([]);
  });

  it('is unhealthy, with the reason, when the storage directory cannot take a file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'probe-'));
    dirs.push(dir);
    // a file where the directory should be fails even for root (chmod would not)
    const notADir = join(dir, 'storage');
    await writeFile(notADir, 'x');
    const verdict = await new StorageProbe({ dir: notADir }).check();
    expect(verdict.healthy).toBe(false);
    expect(verdict.reason).toContain('ENOTDIR');
    const gone = await new StorageProbe({ dir: join(dir, 'missing') }).check();
    expect(gone).toEqual({ healthy: false, reason: 'storage directory is not writable (ENOENT)' });
  });
});
