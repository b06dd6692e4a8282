import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createDfdaemonDownloadClient,
  createDfdaemonUploadClient,
  createManagerClient,
  createSchedulerClient,
  dfdaemonDownloadServiceDefinition,
  dfdaemonUploadServiceDefinition,
  healthServiceDefinition,
  managerServiceDefinition,
  schedulerServiceDefinition,
  serverOptions,
} from './index.js';
import type { common, dfdaemon, manager, scheduler } from './index.js';
import { TestServers } from './test-server.fixture.js';

const servers = new TestServers();
afterEach(() => servers.closeAll());
const listen = (server: grpc.Server, address?: string) => servers.listen(server, address);
const track = <C extends grpc.Client>(client: C): C => servers.client(client);

describe('service definitions', () => {
  it.each([
    [
      'scheduler.v2.Scheduler',
      schedulerServiceDefinition,
      ['AnnouncePeer', 'StatPeer', 'DeletePeer', 'StatTask', 'DeleteTask', 'AnnounceHost', 'ListHosts', 'DeleteHost', 'PreheatImage', 'StatImage', 'PreheatFile', 'StatFile'],
    ],
    [
      'dfdaemon.v2.DfdaemonUpload',
      dfdaemonUploadServiceDefinition,
      ['DownloadTask', 'StatTask', 'StatLocalTask', 'ListTaskEntries', 'DeleteTask', 'SyncPieces', 'SyncHost'],
    ],
    [
      'dfdaemon.v2.DfdaemonDownload',
      dfdaemonDownloadServiceDefinition,
      ['DownloadTask', 'StatTask', 'StatLocalTask', 'ListLocalTasks', 'ListTaskEntries', 'DeleteTask', 'DeleteLocalTask', 'DeleteHost'],
    ],
    [
      'manager.v2.Manager',
      managerServiceDefinition,
      ['GetSeedPeer', 'ListSeedPeers', 'UpdateSeedPeer', 'DeleteSeedPeer', 'GetScheduler', 'UpdateScheduler', 'ListSchedulers', 'ListApplications', 'KeepAlive'],
    ],
    ['grpc.health.v1.Health', healthServiceDefinition, ['Check', 'List', 'Watch']],
  ])('%s has its methods at upstream paths', (service, definition, methods) => {
    const d = definition as unknown as grpc.ServiceDefinition;
    expect(Object.keys(d).sort()).toEqual([...methods].sort());
    for (const m of methods) expect(d[m]?.path).toBe(`/${service}/${m}`);
  });

  it('marks streaming shapes as upstream does', () => {
    expect(schedulerServiceDefinition.AnnouncePeer.requestStream).toBe(true);
    expect(schedulerServiceDefinition.AnnouncePeer.responseStream).toBe(true);
    expect(dfdaemonUploadServiceDefinition.SyncPieces.responseStream).toBe(true);
    expect(dfdaemonUploadServiceDefinition.SyncPieces.requestStream).toBe(false);
    expect(managerServiceDefinition.KeepAlive.requestStream).toBe(true);
    expect(managerServiceDefinition.KeepAlive.responseStream).toBe(false);
  });

  it('encodes field numbers as upstream (host_id=1, task_id=2, peer_id=3, register_peer_request=4)', () => {
    const bytes = schedulerServiceDefinition.AnnouncePeer.requestSerialize({
      host_id: 'h',
      task_id: 't',
      peer_id: 'p',
      register_peer_request: { download: { url: 'u' } },
    });
    // tag = field << 3 | wire type 2 (length-delimited)
    expect([...bytes]).toEqual([0x0a, 1, 0x68, 0x12, 1, 0x74, 0x1a, 1, 0x70, 0x22, 5, 0x0a, 3, 0x0a, 1, 0x75]);
  });
});

describe('AnnouncePeer bidi stream', () => {
  it('carries oneof requests and responses both ways over a real server', async () => {
    const received: scheduler.AnnouncePeerRequest__Output[] = [];
    const server = new grpc.Server(serverOptions());
    server.addService(schedulerServiceDefinition, {
      AnnouncePeer(call) {
        call.on('data', (req: scheduler.AnnouncePeerRequest__Output) => {
          received.push(req);
          switch (req.request) {
            case 'register_peer_request': {
              const parent: common.Peer = {
                id: 'parent-1',
                priority: 'LEVEL6',
                state: 'Running',
                host: { id: 'host-2', ip: '10.0.0.2', port: 4000, download_port: 4005 },
              };
              call.write({ normal_task_response: { candidate_parents: [parent] } });
              break;
            }
            case 'download_piece_finished_request':
              break;
            case 'download_peer_finished_request':
              call.end();
              break;
            default:
              call.write({ need_back_to_source_response: { description: `unexpected ${req.request}` } });
          }
        });
      },
    } as Partial<scheduler.SchedulerHandlers> as scheduler.SchedulerHandlers);
    const address = await listen(server);
    const client = track(createSchedulerClient(address, grpc.credentials.createInsecure()));

    const stream = client.AnnouncePeer();
    const responses: scheduler.AnnouncePeerResponse__Output[] = [];
    const ended = new Promise<void>((resolve, reject) => {
      stream.on('data', (res: scheduler.AnnouncePeerResponse__Output) => {
        responses.push(res);
        if (res.response === 'normal_task_response') {
          stream.write({
            host_id: 'host-1',
            task_id: 'task-1',
            peer_id: 'peer-1',
            download_piece_finished_request: {
              piece: { number: 3, parent_id: 'parent-1', offset: 12 * 2 ** 30, length: 4 << 20, digest: 'crc32:0123456789', traffic_type: 'REMOTE_PEER', cost: { seconds: 1, nanos: 5 } },
            },
          });
          stream.write({ host_id: 'host-1', task_id: 'task-1', peer_id: 'peer-1', download_peer_finished_request: {} });
        }
      });
      stream.on('end', resolve);
      stream.on('error', reject);
    });
    stream.write({
      host_id: 'host-1',
      task_id: 'task-1',
      peer_id: 'peer-1',
      register_peer_request: { download: { url: 'https://example.com/a', priority: 'LEVEL6', request_header: { a: 'b' }, piece_length: 4 << 20 } },
    });
    await ended;
    stream.end();

    expect(received.map((r) => r.request)).toEqual([
      'register_peer_request',
      'download_piece_finished_request',
      'download_peer_finished_request',
    ]);
    const register = received[0]?.register_peer_request;
    expect(register?.download?.url).toBe('https://example.com/a');
    expect(register?.download?.priority).toBe('LEVEL6');
    expect(register?.download?.type).toBe('STANDARD'); // default filled in
    expect(register?.download?.request_header).toEqual({ a: 'b' });
    expect(register?.download?.piece_length).toBe(4 << 20);
    expect(register?.download?.digest).toBeUndefined(); // proto3 optional stays absent
    const piece = received[1]?.download_piece_finished_request?.piece;
    expect(piece?.offset).toBe(12 * 2 ** 30); // uint64 above 2^32 survives as a number
    expect(piece?.traffic_type).toBe('REMOTE_PEER');
    expect(piece?.cost).toEqual({ seconds: 1, nanos: 5 });

    expect(responses).toHaveLength(1);
    expect(responses[0]?.response).toBe('normal_task_response');
    const parents = responses[0]?.normal_task_response?.candidate_parents ?? [];
    expect(parents.map((p) => [p.id, p.host?.ip, p.host?.download_port])).toEqual([['parent-1', '10.0.0.2', 4005]]);
  });
});

describe('server streams', () => {
  it('streams DfdaemonUpload.DownloadTask responses in order', async () => {
    const server = new grpc.Server(serverOptions());
    server.addService(dfdaemonUploadServiceDefinition, {
      DownloadTask(call) {
        const download = call.request.download;
        call.write({
          host_id: 'h',
          task_id: 't',
          peer_id: 'p',
          download_task_started_response: { content_length: 3 * 4 << 20, response_header: { 'content-type': 'x' }, is_finished: false },
        });
        for (let n = 0; n < 3; n++) {
          call.write({ host_id: 'h', task_id: 't', peer_id: 'p', download_piece_finished_response: { piece: { number: n, offset: n * 4 << 20, length: 4 << 20, digest: download?.url ?? '' } } });
        }
        call.end();
      },
    } as Partial<dfdaemon.DfdaemonUploadHandlers> as dfdaemon.DfdaemonUploadHandlers);
    const address = await listen(server);
    const client = track(createDfdaemonUploadClient(address, grpc.credentials.createInsecure()));

    const got: dfdaemon.DownloadTaskResponse__Output[] = [];
    await new Promise<void>((resolve, reject) => {
      const call = client.DownloadTask({ download: { url: 'https://example.com/x' } });
      call.on('data', (r: dfdaemon.DownloadTaskResponse__Output) => got.push(r));
      call.on('end', resolve);
      call.on('error', reject);
    });
    expect(got.map((r) => r.response)).toEqual([
      'download_task_started_response',
      'download_piece_finished_response',
      'download_piece_finished_response',
      'download_piece_finished_response',
    ]);
    expect(got[0]?.download_task_started_response?.content_length).toBe(3 * 4 << 20);
    expect(got.slice(1).map((r) => r.download_piece_finished_response?.piece?.number)).toEqual([0, 1, 2]);
    expect(got[1]?.download_piece_finished_response?.piece?.digest).toBe('https://example.com/x');
  });

  it('reaches DfdaemonDownload over a unix socket', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'd7y-rpc-'));
    try {
      const server = new grpc.Server(serverOptions());
      server.addService(dfdaemonDownloadServiceDefinition, {
        StatTask(call, callback) {
          callback(null, { id: call.request.task_id, content_length: 42, state: 'Succeeded' });
        },
      } as Partial<dfdaemon.DfdaemonDownloadHandlers> as dfdaemon.DfdaemonDownloadHandlers);
      const address = await listen(server, `unix://${join(dir, 'dfdaemon.sock')}`);
      const client = track(createDfdaemonDownloadClient(address, grpc.credentials.createInsecure()));
      const task = await new Promise<common.Task__Output | undefined>((resolve, reject) =>
        client.StatTask({ task_id: 'a'.repeat(64) }, (err, res) => (err ? reject(err) : resolve(res))),
      );
      expect(task?.id).toBe('a'.repeat(64));
      expect(task?.content_length).toBe(42);
      expect(task?.pieces).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('carries a Manager.KeepAlive client stream to its end', async () => {
    const seen: string[] = [];
    const server = new grpc.Server(serverOptions());
    server.addService(managerServiceDefinition, {
      KeepAlive(call, callback) {
        call.on('data', (req) => seen.push(`${req.source_type}/${req.hostname}/${req.cluster_id}`));
        call.on('end', () => callback(null, {}));
      },
    } as Partial<manager.ManagerHandlers> as manager.ManagerHandlers);
    const address = await listen(server);
    const client = track(createManagerClient(address, grpc.credentials.createInsecure()));
    await new Promise<void>((resolve, reject) => {
      const call = client.KeepAlive((err) => (err ? reject(err) : resolve()));
      call.write({ source_type: 'SCHEDULER_SOURCE', hostname: 's1', cluster_id: 1, ip: '10.0.0.1' });
      call.write({ source_type: 'SEED_PEER_SOURCE', hostname: 's2', cluster_id: 2, ip: '10.0.0.2' });
      call.end();
    });
    expect(seen).toEqual(['SCHEDULER_SOURCE/s1/1', 'SEED_PEER_SOURCE/s2/2']);
  });
});
