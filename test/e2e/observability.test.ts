import { createHash, randomBytes } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { request } from 'node:http';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2eCluster } from './harness/cluster.js';
import type { DfdaemonProcess } from './harness/dfdaemon-process.js';
import { dfget } from './harness/dfget.js';
import { freePort } from './harness/free-port.js';
import type { NginxOrigin } from './harness/nginx-origin.js';
import { assertBuilt } from './harness/paths.js';
import type { SchedulerProcess } from './harness/scheduler-process.js';
import { scrape, sum, until } from './observability/metrics-scrape.js';

const MiB = 1024 * 1024;
const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const D = 'dragonfly_dfdaemon_';

/** Opens TLS to `port` with the CA but WITHOUT a client certificate; resolves when the server closed it. */
function connectWithoutCertificate(port: number, ca: string): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, ca, servername: 'localhost', ALPNProtocols: ['h2', 'http/1.1'] });
    socket.on('error', () => undefined);
    socket.on('close', () => resolve());
    socket.write('GET / HTTP/1.1\r\nhost: x\r\n\r\n');
  });
}

describe('e2e observability: metrics after a P2P download (seed + 2 peers)', () => {
  let cluster: E2eCluster;
  let nginx: NginxOrigin;
  let scheduler: SchedulerProcess;
  let schedulerMetrics: number;
  const daemons: { d: DfdaemonProcess; metrics: number }[] = [];
  // several pieces (4 MiB minimum piece length) and a ragged last one
  const body = randomBytes(24 * MiB + 12345);
  let path: string;
  let ca: string;
  let proxyPort: number;

  beforeAll(async () => {
    assertBuilt('dfdaemon', 'dfget', 'dfcert', 'scheduler');
    cluster = await E2eCluster.create('observability');
    ca = await readFile(join(cluster.certs.dir, 'ca.crt'), 'utf8');
    nginx = await cluster.nginx();
    path = await nginx.put('blob.bin', body);
    schedulerMetrics = await freePort();
    scheduler = await cluster.scheduler('scheduler', {
      scheduler: { retryBackToSourceLimit: 10, retryLimit: 12 },
      seedPeer: { healthCheckInterval: '1s' },
      metrics: { enable: true, addr: `127.0.0.1:${schedulerMetrics}` },
    });
    proxyPort = await freePort();
    for (const [hostname, seed] of [['seed-1', true], ['peer-1', false], ['peer-2', false]] as const) {
      const metrics = await freePort();
      // peer-1's proxy on a known port, with a small per-client budget (2 requests, 2 per second)
      const proxy = hostname === 'peer-1' ? { proxy: { server: { port: proxyPort, requestRateLimitPerClient: 2 } } } : {};
      const d = await cluster.dfdaemon({ hostname, seed, schedulers: [scheduler.address], config: { metrics: { enable: true, server: { port: metrics } }, ...proxy } });
      daemons.push({ d, metrics });
    }
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('traffic by type adds up exactly to the file size on every daemon, and uploads match remote downloads', async () => {
    const [, peer1, peer2] = daemons as [(typeof daemons)[0], (typeof daemons)[0], (typeof daemons)[0]];
    for (const [i, p] of [peer1, peer2].entries()) {
      const out = join(cluster.root, `out-${i}`);
      const r = await dfget(p.d.socketPath, [nginx.url(path), '-O', out, '--no-progress']);
      expect(r.code, r.stderr).toBe(0);
      expect(sha256(await readFile(out))).toBe(sha256(body));
    }
    // the seed may still be finishing pieces nobody asked it for yet: wait until it holds them all
    const traffic = async (port: number): Promise<number> => sum(await scrape(port), `${D}download_traffic`);
    for (const { d, metrics } of daemons) {
      await until(async () => (await traffic(metrics)) >= body.length, 20_000);
      const samples = await scrape(metrics);
      const byType = Object.fromEntries(['back_to_source', 'remote_peer', 'local_peer'].map((t) => [t, sum(samples, `${D}download_traffic`, { type: t })]));
      expect(byType.back_to_source + byType.remote_peer + byType.local_peer, `${d.options.hostname}: ${JSON.stringify(byType)}`).toBe(body.length);
      expect(sum(samples, `${D}download_task_total`, { result: 'failure' })).toBe(0);
      expect(sum(samples, `${D}certificate_expiry_timestamp_seconds`, { certificate: 'upload_server' })).toBeGreaterThan(Date.now() / 1000);
    }
    const all = await Promise.all(daemons.map((x) => scrape(x.metrics)));
    // P2P really happened: the second peer got bytes from another daemon
    expect(sum(all[2] ?? [], `${D}download_traffic`, { type: 'remote_peer' })).toBeGreaterThan(0);
    // every byte a daemon stored from a parent was served by some parent's piece server
    const remote = all.reduce((a, s) => a + sum(s, `${D}download_traffic`, { type: 'remote_peer' }), 0);
    const uploaded = all.reduce((a, s) => a + sum(s, `${D}upload_traffic`), 0);
    expect(uploaded).toBe(remote);
    // dfget → DfdaemonDownload/DownloadTask went through the gRPC metrics of each peer
    for (const s of all.slice(1)) {
      expect(sum(s, `${D}grpc_server_handled_total`, { server: 'download', grpc_method: 'DownloadTask', grpc_code: 'OK' })).toBe(1);
    }
    const sched = await scrape(schedulerMetrics);
    expect(sum(sched, 'dragonfly_scheduler_register_peer_total')).toBeGreaterThanOrEqual(3);
    expect(sum(sched, 'dragonfly_scheduler_schedule_total', { outcome: 'normal' })).toBeGreaterThanOrEqual(1);
    expect(sum(sched, 'dragonfly_scheduler_grpc_server_handling_seconds_count', { grpc_method: 'AnnouncePeer' })).toBeGreaterThanOrEqual(1);
  }, 90_000);

  it('a second download of the same file on a peer is local_peer traffic, exactly its size', async () => {
    const { d, metrics } = daemons[1] as (typeof daemons)[0];
    const before = await scrape(metrics);
    const r = await dfget(d.socketPath, [nginx.url(path), '-O', join(cluster.root, 'again'), '--no-progress']);
    expect(r.code, r.stderr).toBe(0);
    const after = await scrape(metrics);
    const delta = (type: string): number => sum(after, `${D}download_traffic`, { type }) - sum(before, `${D}download_traffic`, { type });
    expect(delta('local_peer')).toBe(body.length);
    expect(delta('remote_peer') + delta('back_to_source')).toBe(0);
  }, 30_000);

  it('counts a client refused for having no certificate on the piece server, the upload gRPC server and the scheduler', async () => {
    const { d, metrics } = daemons[1] as (typeof daemons)[0];
    const failures = async (port: number, prefix: string, server: string): Promise<number> =>
      sum(await scrape(port), `${prefix}tls_handshake_failures_total`, { server, reason: 'no_client_certificate' });
    const cases = [
      { port: d.ports.piecePort, metrics, prefix: D, server: 'pieces' },
      { port: d.ports.uploadPort, metrics, prefix: D, server: 'upload' },
      { port: scheduler.port, metrics: schedulerMetrics, prefix: 'dragonfly_scheduler_', server: 'scheduler' },
    ];
    for (const c of cases) {
      const before = await failures(c.metrics, c.prefix, c.server);
      await connectWithoutCertificate(c.port, ca);
      await until(async () => (await failures(c.metrics, c.prefix, c.server)) > before, 5_000);
      expect(await failures(c.metrics, c.prefix, c.server), c.server).toBe(before + 1);
    }
  }, 30_000);

  it('counts proxy requests by result, rate-limit rejections included, as the clients saw them', async () => {
    const { metrics } = daemons[1] as (typeof daemons)[0];
    const viaProxy = (): Promise<number> =>
      new Promise((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: proxyPort, method: 'GET', path: nginx.url(path) }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        req.end();
      });
    const statuses = await Promise.all([1, 2, 3, 4, 5].map(() => viaProxy()));
    const ok = statuses.filter((s) => s === 200).length;
    const limited = statuses.filter((s) => s === 429).length;
    expect(ok + limited, String(statuses)).toBe(5);
    expect(limited).toBeGreaterThanOrEqual(1);
    const counted = async (result: string): Promise<number> => sum(await scrape(metrics), `${D}proxy_request_total`, { method: 'GET', result });
    await until(async () => (await counted('success')) + (await counted('rate_limited')) === 5, 5_000);
    expect(await counted('success')).toBe(ok);
    expect(await counted('rate_limited')).toBe(limited);
  }, 30_000);

  it('GET /healthy says 503 once the storage directory cannot take a file', async () => {
    const { d } = daemons[2] as (typeof daemons)[0];
    const healthy = (): Promise<Response> => fetch(`http://127.0.0.1:${d.ports.healthPort}/healthy`);
    expect((await healthy()).status).toBe(200);
    const data = join(cluster.root, 'peer-2', 'data');
    await rename(data, `${data}.moved`);
    await writeFile(data, 'not a directory');
    const res = await healthy();
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('storage directory is not writable');
  }, 30_000);
});
