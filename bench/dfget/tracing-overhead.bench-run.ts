import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
// the package's source, as the bench is no workspace package (the API is the one the apps load)
import { addHealthService, createHealthClient } from '../../packages/rpc/src/index.js';
import { context, GrpcServerMetrics, injectTraceHeaders, Registry, startHttpServerSpan, trace } from '../../packages/telemetry/src/index.js';

// grpc-js as the telemetry package resolves it (the bench is no workspace package)
const grpc = createRequire(new URL('../../packages/telemetry/package.json', import.meta.url))('@grpc/grpc-js') as typeof import('@grpc/grpc-js');
import { E2eCluster } from '../../test/e2e/harness/cluster.js';
import { dfget } from '../../test/e2e/harness/dfget.js';
import { assertBuilt } from '../../test/e2e/harness/paths.js';
import { startScheduler } from '../../test/e2e/harness/scheduler-under-test.js';

// What tracing costs on the download path. Rows:
// - the no-op API in a hot loop (what every instrumented call costs with tracing off), and
// - dfget with tracing off vs on (every daemon and the scheduler exporting to a local OTLP sink),
//   back-to-source and from a parent, rounds alternating so drift hits both sides alike.
// Storage on tmpfs: the disk's noise would hide anything smaller than itself.

const MiB = 1024 * 1024;
const SIZE = Number(process.env.BENCH_SIZE_MIB ?? 256) * MiB;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const rows: string[] = [];

function record(line: string): void {
  rows.push(line);
  process.stdout.write(`${line}\n`);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

async function timedDfget(socket: string, url: string, out: string): Promise<number> {
  const t0 = performance.now();
  const r = await dfget(socket, [url, '-O', out, '--no-progress', '--overwrite']);
  if (r.code !== 0) throw new Error(r.stderr);
  return (performance.now() - t0) / 1000;
}

describe(`tracing overhead (${SIZE / MiB} MiB, ${ROUNDS} rounds)`, () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c();
    process.stdout.write(`\n${rows.join('\n')}\n`);
  });

  it('no-op API cost per instrumented call (tracing off)', () => {
    const n = 1_000_000;
    const headers = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' };
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const { span, ctx } = startHttpServerSpan('x', headers);
      context.with(ctx, () => injectTraceHeaders({}, trace.setSpan(context.active(), span)));
      span.end();
    }
    const ns = ((performance.now() - t0) * 1e6) / n;
    record(`no-op server span + context.with + header inject: ${ns.toFixed(0)} ns per call`);
  });

  it('gRPC unary call with the metrics/tracing interceptor (tracing off) vs without', async () => {
    const calls = Number(process.env.BENCH_GRPC_CALLS ?? 3000);
    const start = async (interceptors: import('@grpc/grpc-js').ServerInterceptor[]) => {
      const server = new grpc.Server({ interceptors });
      addHealthService(server);
      const port = await new Promise<number>((resolve, reject) =>
        server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
      );
      const client = createHealthClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
      return { server, client };
    };
    const plain = await start([]);
    const observed = await start([new GrpcServerMetrics({ registry: new Registry(), prefix: 'b_' }).interceptor({ server: 'bench' })]);
    const run = async (c: typeof plain.client): Promise<number> => {
      const t0 = performance.now();
      for (let i = 0; i < calls; i++) await new Promise<void>((resolve, reject) => c.Check({ service: '' }, (err) => (err ? reject(err) : resolve())));
      return ((performance.now() - t0) * 1000) / calls;
    };
    await run(plain.client);
    await run(observed.client);
    const a: number[] = [];
    const b: number[] = [];
    for (let round = 0; round < 6; round++) {
      if (round % 2 === 0) {
        a.push(await run(plain.client));
        b.push(await run(observed.client));
      } else {
        b.push(await run(observed.client));
        a.push(await run(plain.client));
      }
    }
    for (const x of [plain, observed]) {
      x.client.close();
      x.server.forceShutdown();
    }
    const f = (xs: number[]) => `median ${median(xs).toFixed(1)} µs (${xs.map((x) => x.toFixed(0)).join(', ')})`;
    record(`gRPC Check, no interceptor:               ${f(a)} per call`);
    record(`gRPC Check, metrics+tracing interceptor: ${f(b)} per call`);
  });

  it('dfget with tracing off vs on', async () => {
    assertBuilt('dfdaemon', 'dfget', 'dfcert');
    // OTLP sink: accepts and drops (the collector's cost is not ours)
    let exported = 0;
    const sink = createServer((req, res) => {
      req.on('data', (c: Buffer) => (exported += c.length));
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
    });
    await new Promise<void>((r) => sink.listen(0, '127.0.0.1', () => r()));
    cleanup.push(() => new Promise((r) => sink.close(r)));
    const endpoint = `127.0.0.1:${(sink.address() as { port: number }).port}`;

    const cluster = await E2eCluster.create('bench-tracing');
    cleanup.push(() => cluster.stop());
    const shm = join('/dev/shm', `d7y-bench-tracing-${process.pid}`);
    cleanup.push(() => rm(shm, { recursive: true, force: true }));
    const nginx = await cluster.nginx();
    const path = await nginx.put('big.bin', Buffer.alloc(SIZE, 7));
    const scheduler = await startScheduler(cluster);
    const daemon = (hostname: string, traced: boolean) =>
      cluster.dfdaemon({
        hostname,
        schedulers: [scheduler.address],
        config: { storage: { dir: join(shm, hostname) }, ...(traced ? { tracing: { endpoint } } : {}) },
      });
    const sides = {
      off: { parent: await daemon('off-parent', false), child: await daemon('off-child', false), b2s: [] as number[], p2p: [] as number[] },
      on: { parent: await daemon('on-parent', true), child: await daemon('on-child', true), b2s: [] as number[], p2p: [] as number[] },
    };
    for (let round = 0; round < ROUNDS; round++) {
      for (const name of (round % 2 === 0 ? ['off', 'on'] : ['on', 'off']) as ('off' | 'on')[]) {
        const side = sides[name];
        // a new task per round and side: the query string is part of the task ID, nginx ignores it
        const url = `${nginx.url(path)}?round=${round}&side=${name}`;
        side.b2s.push(await timedDfget(side.parent.socketPath, url, join(shm, `${name}-parent.out`)));
        side.p2p.push(await timedDfget(side.child.socketPath, url, join(shm, `${name}-child.out`)));
      }
    }
    for (const name of ['off', 'on'] as const) {
      const s = sides[name];
      const fmt = (xs: number[]) => `median ${median(xs).toFixed(3)} s (${xs.map((x) => x.toFixed(3)).join(', ')}) ${(SIZE / MiB / median(xs)).toFixed(0)} MiB/s`;
      record(`tracing ${name.padEnd(3)} back-to-source: ${fmt(s.b2s)}`);
      record(`tracing ${name.padEnd(3)} from a parent:  ${fmt(s.p2p)}`);
    }
    record(`OTLP bytes exported with tracing on: ${exported}`);
  });
});
