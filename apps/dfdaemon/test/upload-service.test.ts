import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { createDfdaemonUploadClient, type dfdaemon } from '@d7y/rpc';
import { grpcChannelCredentials } from '@d7y/tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dfdaemon } from '../src/dfdaemon.js';
import { startTestDaemon } from './fixtures/daemon.js';
import { randomBytesSeeded, TestOrigin } from './fixtures/origin.js';
import { TestPki } from './fixtures/tls.js';

const MiB = 1024 * 1024;

function collect<T>(call: grpc.ClientReadableStream<T>): Promise<{ items: T[]; err?: grpc.ServiceError }> {
  return new Promise((resolve) => {
    const items: T[] = [];
    call.on('data', (d: T) => items.push(d));
    call.on('error', (err: grpc.ServiceError) => resolve({ items, err }));
    call.on('status', (s: grpc.StatusObject) => {
      if (s.code === grpc.status.OK) resolve({ items });
    });
  });
}

function unary<T>(fn: (cb: (err: grpc.ServiceError | null, v?: T) => void) => void): Promise<{ v?: T; err?: grpc.ServiceError }> {
  return new Promise((resolve) => fn((err, v) => resolve(err ? { err } : { v: v as T })));
}

describe('DfdaemonUpload over mTLS: roles, refusals, rate limits', () => {
  const pki = new TestPki();
  const origin = new TestOrigin();
  const body = randomBytesSeeded(9 * MiB, 4);
  let root: string;
  let daemon: Dfdaemon;
  let taskId: string;
  const clients: dfdaemon.DfdaemonUploadClient[] = [];
  const as = (role: 'scheduler' | 'dfdaemon' | 'client' | 'manager') => {
    const c = createDfdaemonUploadClient(`127.0.0.1:${daemon.ports.uploadPort}`, grpcChannelCredentials(pki.source(`${role}-x`, role)));
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    origin.files.set('/f', { body });
    await origin.start();
    root = await mkdtemp(join(tmpdir(), 'd7y-up-'));
    daemon = await startTestDaemon({
      root,
      ca: pki.ca,
      hostname: 'peer-1',
      schedulers: [],
      config: { upload: { server: { requestRateLimit: 1000, requestRateLimitPerClient: 40 } } },
    });
    const t = await daemon.tasks.download({ url: origin.url('/f'), requestHeader: {}, priority: 6, disableBackToSource: false, needBackToSource: false });
    taskId = t.id;
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await daemon.stop();
    await origin.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('never accepts an output path from the network', async () => {
    const r = await collect(
      as('scheduler').DownloadTask({ download: { url: origin.url('/f'), type: 'STANDARD', output_path: '/tmp/evil', request_header: {} } }),
    );
    expect(r.err?.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(r.err?.details).toContain('output_path');
  });

  it('lets only a scheduler or the manager trigger downloads', async () => {
    const r = await collect(as('dfdaemon').DownloadTask({ download: { url: origin.url('/f'), type: 'STANDARD', request_header: {} } }));
    expect(r.err?.code).toBe(grpc.status.PERMISSION_DENIED);
    const ok = await collect(as('manager').DownloadTask({ download: { url: origin.url('/f'), type: 'STANDARD', request_header: {} } }));
    expect(ok.err).toBeUndefined();
    expect(ok.items[0]?.download_task_started_response?.is_finished).toBe(true);
  });

  it('syncs pieces to dfdaemons only, and refuses unknown tasks and out-of-range pieces', async () => {
    const good = await collect(as('dfdaemon').SyncPieces({ host_id: 'h', task_id: taskId, interested_piece_numbers: [0, 2] }));
    expect(good.err).toBeUndefined();
    expect(good.items.map((i) => i.number).sort()).toEqual([0, 2]);
    expect(good.items[0]?.tcp_port).toBe(daemon.ports.piecePort);
    const client = await collect(as('client').SyncPieces({ host_id: 'h', task_id: taskId, interested_piece_numbers: [] }));
    expect(client.err?.code).toBe(grpc.status.PERMISSION_DENIED);
    const unknown = await collect(as('dfdaemon').SyncPieces({ host_id: 'h', task_id: 'e'.repeat(64), interested_piece_numbers: [] }));
    expect(unknown.err?.code).toBe(grpc.status.NOT_FOUND);
    const range = await collect(as('dfdaemon').SyncPieces({ host_id: 'h', task_id: taskId, interested_piece_numbers: [3] }));
    expect(range.err?.code).toBe(grpc.status.OUT_OF_RANGE);
    const bad = await collect(as('dfdaemon').SyncPieces({ host_id: 'h', task_id: '../../etc', interested_piece_numbers: [] }));
    expect(bad.err?.code).toBe(grpc.status.INVALID_ARGUMENT);
  });

  it('stats tasks for readers and deletes them for the manager only', async () => {
    const c = as('client');
    const st = await unary<unknown>((cb) => c.StatTask({ task_id: taskId }, cb));
    expect((st.v as { pieces: unknown[] }).pieces).toHaveLength(3);
    const denied = await unary((cb) => as('dfdaemon').DeleteTask({ task_id: taskId }, cb));
    expect(denied.err?.code).toBe(grpc.status.PERMISSION_DENIED);
  });

  it('a leech (upload.disableShared) shares nothing', async () => {
    const leech = await startTestDaemon({ root, ca: pki.ca, hostname: 'leech-1', schedulers: [], config: { upload: { disableShared: true } } });
    try {
      const t = await leech.tasks.download({ url: origin.url('/f'), requestHeader: {}, priority: 6, disableBackToSource: false, needBackToSource: false });
      const c = createDfdaemonUploadClient(`127.0.0.1:${leech.ports.uploadPort}`, grpcChannelCredentials(pki.source('dfdaemon-y', 'dfdaemon')));
      clients.push(c);
      const r = await collect(c.SyncPieces({ host_id: 'h', task_id: t.id, interested_piece_numbers: [] }));
      expect(r.err?.code).toBe(grpc.status.FAILED_PRECONDITION);
    } finally {
      await leech.stop();
    }
  });

  it('answers RESOURCE_EXHAUSTED at once past the per-client request rate', async () => {
    const c = as('client');
    const t0 = Date.now();
    const results = await Promise.all(Array.from({ length: 120 }, () => unary((cb) => c.StatTask({ task_id: taskId }, cb))));
    const limited = results.filter((r) => r.err?.code === grpc.status.RESOURCE_EXHAUSTED);
    expect(limited.length).toBeGreaterThanOrEqual(60);
    expect(Date.now() - t0).toBeLessThan(2000);
  });
});
