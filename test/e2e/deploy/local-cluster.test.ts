import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

// The README's first command (`pnpm start`) runs deploy/local/cluster.mjs after the build: a whole
// cluster on loopback, one file downloaded through P2P on two daemons, then Ctrl-C.
describe('local cluster (pnpm start)', () => {
  let home = '';
  afterAll(async () => {
    if (home !== '') await rm(home, { recursive: true, force: true });
  });

  it('downloads through P2P with the origin serving the file once, and stops cleanly on SIGINT', async () => {
    home = await mkdtemp(join(tmpdir(), 'd7y-local-cluster-'));
    const child = spawn(process.execPath, [join(ROOT, 'deploy/local/cluster.mjs')], {
      env: { ...process.env, DRAGONFLY_LOCAL_DIR: home, DRAGONFLY_LOCAL_SIZE: '24MiB', DRAGONFLY_LOCAL_PORT_OFFSET: '317' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));

    await new Promise<void>((resolveRunning, rejectRunning) => {
      const timer = setTimeout(() => rejectRunning(new Error(`no "cluster is running" line in 120 s:\n${out}`)), 120_000);
      const check = (): void => {
        if (out.includes('The cluster is running')) {
          clearTimeout(timer);
          resolveRunning();
        }
      };
      child.stdout.on('data', check);
      void exited.then((code) => {
        clearTimeout(timer);
        rejectRunning(new Error(`cluster exited (${code}) before running:\n${out}`));
      });
    });

    expect(out).toMatch(/origin served 24\.0 MiB in all \(1\.00× the file\) for 2 downloads/);
    expect(out).toContain('every copy matches');
    // The seed peer fetched from the origin; both daemons got every byte from peers.
    expect(out).toMatch(/peer-1: downloaded 24\.0 MiB .*peers 24\.0 MiB, source 0 B/);
    expect(out).toMatch(/peer-2: downloaded 24\.0 MiB .*peers 24\.0 MiB, source 0 B/);

    child.kill('SIGINT');
    expect(await exited, out).toBe(0);
    expect(out).toContain('stopped.');
  }, 180_000);
});
