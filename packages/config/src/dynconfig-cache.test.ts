import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DynconfigCache } from './dynconfig-cache.js';

describe('DynconfigCache', () => {
  let dir = '';
  const warnings: string[] = [];
  const logger = { warn: (_obj: object, msg: string) => void warnings.push(msg) };
  const parse = (v: unknown): { addrs: string[] } => {
    if (typeof v !== 'object' || v === null || !Array.isArray((v as { addrs?: unknown }).addrs)) throw new Error('expected { addrs: [] }');
    return v as { addrs: string[] };
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'd7y-dynconfig-cache-'));
    warnings.length = 0;
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('round-trips the last good answer through a 0600 file in a 0700 directory', async () => {
    const cache = new DynconfigCache({ path: join(dir, 'sub', 'schedulers.json'), parse, logger });
    await cache.save({ addrs: ['10.0.0.1:8002'] });
    expect(await cache.load()).toEqual({ addrs: ['10.0.0.1:8002'] });
    expect((await stat(cache.path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'sub'))).mode & 0o777).toBe(0o700);
    expect(JSON.parse(await readFile(cache.path, 'utf8'))).toEqual({ addrs: ['10.0.0.1:8002'] });
  });

  it('treats a missing file as no cache, silently', async () => {
    expect(await new DynconfigCache({ path: join(dir, 'none.json'), parse, logger }).load()).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  it.each([
    ['not JSON', '{"addrs": ['],
    ['the wrong shape', '{"addrs": "10.0.0.1"}'],
  ])('ignores a corrupt file (%s) with a warning', async (_name, text) => {
    const path = join(dir, 'bad.json');
    await writeFile(path, text);
    expect(await new DynconfigCache({ path, parse, logger }).load()).toBeUndefined();
    expect(warnings).toEqual(['ignoring a corrupt dynconfig cache']);
  });
});
