import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2eCluster } from './harness/cluster.js';
import type { DfdaemonProcess } from './harness/dfdaemon-process.js';
import { dfget } from './harness/dfget.js';
import { freePort } from './harness/free-port.js';
import type { NginxOrigin } from './harness/nginx-origin.js';
import { assertBuilt, BIN } from './harness/paths.js';
import { until } from './observability/metrics-scrape.js';
import { OtlpReceiver, type ReceivedSpan } from './observability/otlp-receiver.js';

const MiB = 1024 * 1024;

/** dfget with DFGET_TRACING_ENDPOINT set (the harness's dfget inherits no extra environment). */
function tracedDfget(socketPath: string, endpoint: string, args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN.dfget, '-e', socketPath, ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, DFGET_TRACING_ENDPOINT: endpoint },
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
    child.once('exit', (code) => resolve({ code, stderr }));
  });
}

describe('e2e tracing: one dfget download is one trace across dfget, dfdaemon, scheduler and a parent', () => {
  let cluster: E2eCluster;
  let nginx: NginxOrigin;
  const receiver = new OtlpReceiver();
  const daemons: DfdaemonProcess[] = [];
  const body = randomBytes(12 * MiB + 777);
  let path: string;
  let proxyPort: number;

  beforeAll(async () => {
    assertBuilt('dfdaemon', 'dfget', 'dfcert', 'scheduler');
    await receiver.start();
    cluster = await E2eCluster.create('tracing');
    nginx = await cluster.nginx();
    path = await nginx.put('blob.bin', body);
    const tracing = { endpoint: receiver.endpoint };
    const scheduler = await cluster.scheduler('scheduler', {
      scheduler: { retryBackToSourceLimit: 10, retryLimit: 12 },
      seedPeer: { healthCheckInterval: '1s' },
      tracing,
    });
    proxyPort = await freePort();
    for (const [hostname, seed] of [['seed-1', true], ['peer-1', false], ['peer-2', false]] as const) {
      const proxy = hostname === 'peer-1' ? { proxy: { server: { port: proxyPort } } } : {};
      daemons.push(await cluster.dfdaemon({ hostname, seed, schedulers: [scheduler.address], config: { tracing, ...proxy } }));
    }
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
    await receiver.stop();
  });

  it('has spans of dfget, the dfdaemon, the scheduler and the parent piece server under the dfget root', async () => {
    const [, peer1, peer2] = daemons as [DfdaemonProcess, DfdaemonProcess, DfdaemonProcess];
    // warm-up without tracing: peer-2 and the seed hold the file, so peer-1 is sure to have a parent
    const warm = await dfget(peer2.socketPath, [nginx.url(path), '-O', join(cluster.root, 'warm'), '--no-progress']);
    expect(warm.code, warm.stderr).toBe(0);
    const r = await tracedDfget(peer1.socketPath, receiver.endpoint, [nginx.url(path), '-O', join(cluster.root, 'out'), '--no-progress']);
    expect(r.code, r.stderr).toBe(0);

    const root = (): ReceivedSpan | undefined => receiver.spans.find((s) => s.service === 'dfget' && s.name === 'dfget');
    const inTrace = (): ReceivedSpan[] => receiver.spans.filter((s) => s.traceId === root()?.traceId);
    const complete = (): boolean => {
      const spans = inTrace();
      return (
        spans.some((s) => s.service === 'dfdaemon' && s.host === 'peer-1' && s.name === 'dfdaemon.download_task') &&
        spans.some((s) => s.service === 'scheduler' && s.name === 'scheduler.v2.Scheduler/AnnouncePeer' && s.kind === 2) &&
        spans.some((s) => s.service === 'dfdaemon' && s.host !== 'peer-1' && s.name === 'dfdaemon.upload_piece')
      );
    };
    // batches leave every second; the AnnouncePeer span ends when its stream closes
    await until(() => Promise.resolve(complete()), 20_000);
    const spans = inTrace();
    const summary = spans.map((s) => `${s.service}@${s.host ?? '-'} ${s.name}`).join('\n');
    expect(root(), 'dfget exported its root span').toBeDefined();
    expect(complete(), summary).toBe(true);
    // the chain is connected: every span of the trace has its parent in the trace (except the root)
    const ids = new Set(spans.map((s) => s.spanId));
    for (const s of spans) if (s !== root()) expect(ids.has(s.parentSpanId), `${s.service} ${s.name} has its parent in the trace`).toBe(true);
    // the dfget call arrives at peer-1's DownloadTask handler as a child of dfget's client span
    const serverCall = spans.find((s) => s.host === 'peer-1' && s.name === 'dfdaemon.v2.DfdaemonDownload/DownloadTask' && s.kind === 2);
    expect(spans.find((s) => s.spanId === serverCall?.parentSpanId)?.service).toBe('dfget');
  }, 60_000);

  it('continues a client traceparent through the proxy', async () => {
    const traceId = randomBytes(16).toString('hex');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: proxyPort, method: 'GET', path: nginx.url(path), headers: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(200);
    const found = (): boolean => receiver.spans.some((s) => s.traceId === traceId && s.host === 'peer-1' && s.name === 'dfdaemon.proxy' && s.kind === 2);
    await until(() => Promise.resolve(found()), 10_000);
    expect(found()).toBe(true);
  }, 30_000);
});
