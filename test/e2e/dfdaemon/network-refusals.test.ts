import { randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { request } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Workspace sources by path: the e2e tests are not a package of their own.
import { createDfdaemonUploadClient } from '../../../packages/rpc/src/index.js';
import { grpcChannelCredentials } from '../../../packages/tls/src/index.js';
import { tlsSourceFromDir } from '../../../apps/dfdaemon/test/fixtures/tls.js';
import { E2eCluster } from '../harness/cluster.js';
import { dfget } from '../harness/dfget.js';
import type { DfdaemonProcess } from '../harness/dfdaemon-process.js';
import type { NginxOrigin } from '../harness/nginx-origin.js';
import { assertBuilt } from '../harness/paths.js';

// gRPC status codes (grpc.status).
const INVALID_ARGUMENT = 3;
const NOT_FOUND = 5;
const PERMISSION_DENIED = 7;
const OUT_OF_RANGE = 11;

describe('e2e: what the network-facing APIs refuse (daemon process, dfcert identities)', () => {
  let cluster: E2eCluster;
  let nginx: NginxOrigin;
  let peer: DfdaemonProcess;
  let path: string;
  let taskId: string;

  beforeAll(async () => {
    assertBuilt('dfdaemon', 'dfget', 'dfcert');
    cluster = await E2eCluster.create('network-refusals');
    nginx = await cluster.nginx();
    path = await nginx.put('f.bin', randomBytes(9 * 1024 * 1024));
    peer = await cluster.dfdaemon({ hostname: 'peer-1', schedulers: [] });
    const r = await dfget(peer.socketPath, [nginx.url(path), '-O', join(cluster.root, 'out'), '--no-progress']);
    expect(r.code, r.stderr).toBe(0);
    const metas = await import('node:fs/promises').then((fs) => fs.readdir(join(cluster.root, 'peer-1', 'data', 'metadata', 'tasks')));
    taskId = (metas.find((n) => n.endsWith('.json')) as string).replace('.json', '');
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  function uploadClient(name: string, role: 'scheduler' | 'dfdaemon' | 'client') {
    return cluster.certs.issue(name, role).then((dir) =>
      createDfdaemonUploadClient(`127.0.0.1:${peer.ports.uploadPort}`, grpcChannelCredentials(tlsSourceFromDir(dir))),
    );
  }

  it('the local socket is 0660', async () => {
    expect((await stat(peer.socketPath)).mode & 0o777).toBe(0o660);
  });

  it('DfdaemonUpload.DownloadTask never accepts an output path, even from a scheduler', async () => {
    const client = await uploadClient('scheduler-x', 'scheduler');
    const err = await new Promise<{ code: number; details: string }>((resolve) => {
      const call = client.DownloadTask({ download: { url: nginx.url(path), type: 'STANDARD', output_path: '/etc/evil', request_header: {} } });
      call.on('data', () => undefined);
      call.on('error', (e: { code: number; details: string }) => resolve(e));
      call.on('end', () => resolve({ code: 0, details: '' }));
    });
    client.close();
    expect(err.code).toBe(INVALID_ARGUMENT);
    await expect(stat('/etc/evil')).rejects.toThrow();
  });

  it('SyncPieces refuses unknown tasks, out-of-range pieces and non-dfdaemon callers', async () => {
    const sync = async (role: 'dfdaemon' | 'client', task: string, numbers: number[]) => {
      const client = await uploadClient(`${role}-sync`, role);
      const code = await new Promise<number>((resolve) => {
        const call = client.SyncPieces({ host_id: 'h', task_id: task, interested_piece_numbers: numbers });
        call.on('data', () => undefined);
        call.on('error', (e: { code: number }) => resolve(e.code));
        call.on('end', () => resolve(0));
      });
      client.close();
      return code;
    };
    expect(await sync('dfdaemon', 'f'.repeat(64), [])).toBe(NOT_FOUND);
    expect(await sync('dfdaemon', taskId, [99])).toBe(OUT_OF_RANGE);
    expect(await sync('client', taskId, [0])).toBe(PERMISSION_DENIED);
    expect(await sync('dfdaemon', taskId, [0, 1])).toBe(0);
  });

  it('the piece server refuses unknown tasks and out-of-range pieces', async () => {
    const dir = await cluster.certs.issue('dfdaemon-fetch', 'dfdaemon');
    const [ca, cert, key] = await Promise.all(['ca.crt', 'tls.crt', 'tls.key'].map((f) => readFile(join(dir, f))));
    const get = (p: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: peer.ports.piecePort, path: p, ca, cert, key }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    expect(await get(`/pieces/${'f'.repeat(64)}/0`)).toBe(404);
    expect(await get(`/pieces/${taskId}/3`)).toBe(416);
    expect(await get(`/pieces/${taskId}/0`)).toBe(200);
    expect(await get(`/pieces/..%2f..%2fetc%2fpasswd/0`)).toBe(400);
  });
});
