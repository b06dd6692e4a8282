import * as grpc from '@grpc/grpc-js';
import { managerServiceDefinition, serverOptions, type manager } from '@d7y/rpc';
import { grpcServerCredentials, identityFromGrpcCall, type PeerIdentity } from '@d7y/tls';
import { afterEach, describe, expect, it } from 'vitest';
import { Pki, eventually, startScheduler, type RunningScheduler } from './harness.js';

/** A minimal manager: UpdateScheduler and KeepAlive, recording what it receives. */
class TestManager {
  readonly updates: Array<{ request: manager.UpdateSchedulerRequest__Output; caller: PeerIdentity | undefined }> = [];
  readonly keepAlives: manager.KeepAliveRequest__Output[] = [];
  openStreams = 0;
  closedStreams = 0;
  failUpdates = 0;
  private readonly server = new grpc.Server(serverOptions());
  port = 0;

  constructor(private readonly pki: Pki) {
    this.server.addService(managerServiceDefinition, {
      UpdateScheduler: (call: grpc.ServerUnaryCall<manager.UpdateSchedulerRequest__Output, manager.Scheduler>, callback: grpc.sendUnaryData<manager.Scheduler>) => {
        if (this.failUpdates > 0) {
          this.failUpdates -= 1;
          callback({ code: grpc.status.UNAVAILABLE, details: 'database is down' });
          return;
        }
        this.updates.push({ request: call.request, caller: identityFromGrpcCall(call) });
        const r = call.request;
        callback(null, { id: 7, hostname: r.hostname, ip: r.ip, port: r.port, state: 'active', scheduler_cluster_id: r.scheduler_cluster_id });
      },
      KeepAlive: (call: grpc.ServerReadableStream<manager.KeepAliveRequest__Output, object>, callback: grpc.sendUnaryData<object>) => {
        this.openStreams += 1;
        call.on('data', (req: manager.KeepAliveRequest__Output) => this.keepAlives.push(req));
        call.on('end', () => {
          this.closedStreams += 1;
          callback(null, {});
        });
        call.on('error', () => (this.closedStreams += 1));
      },
    });
  }

  async start(port = 0): Promise<void> {
    this.port = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync(`127.0.0.1:${port}`, grpcServerCredentials(this.pki.tls('manager', 'manager-1')), (err, p) => (err ? reject(err) : resolve(p))),
    );
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.tryShutdown(() => resolve()));
  }

  /** Dies without a goodbye (streams are cut). */
  kill(): void {
    this.server.forceShutdown();
  }
}

const pki = new Pki();
let scheduler: RunningScheduler | undefined;
let managerServer: TestManager | undefined;

afterEach(async () => {
  await scheduler?.stop();
  await managerServer?.stop();
  scheduler = undefined;
  managerServer = undefined;
});

describe('registration with a manager', () => {
  it('calls UpdateScheduler with its identity and address, then sends KeepAlive every interval', async () => {
    managerServer = new TestManager(pki);
    managerServer.failUpdates = 1; // the first attempt fails: the scheduler retries
    await managerServer.start();
    scheduler = await startScheduler(pki, {
      server: { host: 'scheduler-1', advertiseIP: '127.0.0.1' },
      manager: { addr: `127.0.0.1:${managerServer.port}`, schedulerClusterID: 3, keepAlive: { interval: '50ms' } },
      host: { idc: 'idc-1', location: 'eu|de' },
    });
    const m = managerServer;
    await eventually(() => m.updates.length === 1, 'UpdateScheduler');
    const update = m.updates[0];
    expect(update?.caller).toMatchObject({ role: 'scheduler', hostname: 'scheduler-1' });
    expect(update?.request).toMatchObject({
      source_type: 'SCHEDULER_SOURCE',
      hostname: 'scheduler-1',
      ip: '127.0.0.1',
      port: scheduler.port,
      scheduler_cluster_id: 3,
      idc: 'idc-1',
      location: 'eu|de',
      features: ['schedule'],
    });
    expect(JSON.parse(update?.request.config.toString('utf8') ?? '{}')).toMatchObject({ backToSourceCount: 200 });
    await eventually(() => m.keepAlives.length >= 3, 'three keepalives');
    expect(m.keepAlives[0]).toEqual({ source_type: 'SCHEDULER_SOURCE', hostname: 'scheduler-1', cluster_id: 3, ip: '127.0.0.1' });
    expect(m.openStreams).toBe(1);
    expect(scheduler.app.announcer?.isRegistered).toBe(true);

    // Graceful stop ends the KeepAlive stream (the manager then marks the scheduler inactive).
    await scheduler.stop();
    scheduler = undefined;
    await eventually(() => m.closedStreams === 1, 'the keepalive stream to end');
  });

  it('re-registers after the manager restarts', async () => {
    managerServer = new TestManager(pki);
    await managerServer.start();
    const port = managerServer.port;
    scheduler = await startScheduler(pki, { manager: { addr: `127.0.0.1:${port}`, keepAlive: { interval: '50ms' } } });
    const first = managerServer;
    await eventually(() => first.keepAlives.length >= 1, 'a keepalive');
    first.kill();
    managerServer = new TestManager(pki);
    await managerServer.start(port);
    const second = managerServer;
    await eventually(() => second.updates.length === 1 && second.keepAlives.length >= 1, 're-registration', 20_000);
  });

  it('runs standalone without manager.addr', async () => {
    scheduler = await startScheduler(pki);
    expect(scheduler.app.announcer).toBeUndefined();
  });
});
