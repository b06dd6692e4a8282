import { createHash, randomBytes } from 'node:crypto';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2eCluster } from '../harness/cluster.js';
import { dfget } from '../harness/dfget.js';
import type { DfdaemonProcess } from '../harness/dfdaemon-process.js';
import type { NginxOrigin } from '../harness/nginx-origin.js';
import { assertBuilt } from '../harness/paths.js';

describe('e2e: dfget refusals and clear errors (built binaries, nginx origin)', () => {
  let cluster: E2eCluster;
  let nginx: NginxOrigin;
  let peer: DfdaemonProcess;
  const body = randomBytes(1024 * 1024);
  let path: string;

  beforeAll(async () => {
    assertBuilt('dfdaemon', 'dfget', 'dfcert');
    cluster = await E2eCluster.create('refusals');
    nginx = await cluster.nginx();
    path = await nginx.put('f.bin', body);
    peer = await cluster.dfdaemon({ hostname: 'peer-1', schedulers: [] });
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it.each([
    ['a relative -O', ['-O', 'relative/out'], 2, /absolute/],
    ['a directory', ['-O', '/tmp'], 2, /directory/],
  ])('refuses %s', async (_n, args, code, msg) => {
    const r = await dfget(peer.socketPath, [nginx.url(path), ...args]);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(msg);
  });

  it('refuses an existing file without --overwrite and replaces it with', async () => {
    const out = join(cluster.root, 'exists');
    await writeFile(out, 'old');
    const r = await dfget(peer.socketPath, [nginx.url(path), '-O', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('already exists');
    const ok = await dfget(peer.socketPath, [nginx.url(path), '-O', out, '--overwrite', '--no-progress']);
    expect(ok.code, ok.stderr).toBe(0);
    expect((await stat(out)).size).toBe(body.length);
  });

  it('says the source answered 404', async () => {
    const r = await dfget(peer.socketPath, [nginx.url('/missing.bin'), '-O', join(cluster.root, 'missing')]);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/404/);
  });

  it('fails a digest mismatch and writes no file', async () => {
    const out = join(cluster.root, 'mismatch');
    const wrong = createHash('sha256').update('something else').digest('hex');
    const r = await dfget(peer.socketPath, [nginx.url(path), '-O', out, '--digest', `sha256:${wrong}`, '--tag', 'd']);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/digest/);
    await expect(stat(out)).rejects.toThrow();
    const right = createHash('sha256').update(body).digest('hex');
    expect((await dfget(peer.socketPath, [nginx.url(path), '-O', out, '--digest', `sha256:${right}`, '--tag', 'd', '--no-progress'])).code).toBe(0);
  });

  it('says when the daemon is not running', async () => {
    await mkdir(join(cluster.root, 'nowhere'), { recursive: true });
    const r = await dfget(join(cluster.root, 'nowhere', 'dfdaemon.sock'), [nginx.url(path), '-O', join(cluster.root, 'x')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/not running/);
  });
});
