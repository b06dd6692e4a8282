import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, it } from 'vitest';
import { originCertificates } from '../../apps/dfdaemon/test/proxy/fixtures/origin-certificates.js';
import { freePort, hasCommands } from '../../apps/dfdaemon/test/proxy/fixtures/docker-registry.js';
import { startProxyStack, type ProxyStack } from '../../apps/dfdaemon/test/proxy/fixtures/proxy-stack.js';

const MiB = 1024 * 1024;
const SIZE = Number(process.env.BENCH_SIZE_MIB ?? 256) * MiB;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SMALL_REQUESTS = Number(process.env.BENCH_SMALL_REQUESTS ?? 300);
const children: ChildProcess[] = [];
const root = mkdtempSync(join(tmpdir(), 'd7y-bench-proxy-'));
let stack: ProxyStack | undefined;

afterAll(async () => {
  await stack?.stop();
  for (const c of children) c.kill('SIGTERM');
  rmSync(root, { recursive: true, force: true });
});

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    c.stdout.on('data', (d: Buffer) => (out += d.toString()));
    c.stderr.on('data', (d: Buffer) => (err += d.toString()));
    c.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${err.slice(0, 500)}`))));
  });
}

async function waitFor(cond: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const end = Date.now() + 30_000;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** curl's own transfer time (s) and bytes for one download to /dev/null. */
async function download(url: string, via: string[]): Promise<{ seconds: number; bytes: number }> {
  const out = await run('curl', ['-sS', '--fail', '-o', '/dev/null', '-w', '%{time_total} %{size_download}', ...via, url]);
  const [s, b] = out.trim().split(' ');
  return { seconds: Number(s), bytes: Number(b) };
}

/** p50 (ms) of `n` small GETs made by ONE curl on one kept-alive connection (tunnel), after a warm-up request. */
async function smallLatencyP50(url: string, n: number, via: string[]): Promise<number> {
  const urls = Array.from({ length: n + 1 }, () => url);
  const out = await run('curl', ['-sS', '--fail', '-o', '/dev/null', '-w', '%{time_total}\n', ...via, ...urls.flatMap((u) => [u, '-o', '/dev/null'])]);
  const times = out.trim().split('\n').map(Number).slice(1);
  return median(times) * 1000;
}

it.skipIf(!hasCommands('nginx', 'curl', 'mitmdump'))(`256 MiB over HTTPS: direct vs our proxy (P2P cache hit) vs mitmproxy`, async () => {
  // origin: nginx over TLS with a certificate from a throwaway CA
  const certs = originCertificates();
  const www = join(root, 'www');
  const blob = Buffer.alloc(SIZE);
  for (let off = 0; off < SIZE; off += 16 * MiB) randomFillSync(blob, off, Math.min(16 * MiB, SIZE - off));
  const digest = createHash('sha256').update(blob).digest('hex');
  const blobPath = `/v2/bench/app/blobs/sha256:${digest}`;
  mkdirSync(join(www, 'v2/bench/app/blobs'), { recursive: true });
  writeFileSync(join(www, blobPath), blob);
  const smallPath = '/v2/bench/app/small';
  writeFileSync(join(www, smallPath), Buffer.alloc(1024, 1));
  for (const d of [root, www, join(www, 'v2'), join(www, 'v2/bench'), join(www, 'v2/bench/app'), join(www, 'v2/bench/app/blobs')]) chmodSync(d, 0o755);
  const caFile = join(root, 'origin-ca.crt');
  writeFileSync(caFile, certs.caPem);
  writeFileSync(join(root, 'tls.crt'), certs.certPem);
  writeFileSync(join(root, 'tls.key'), certs.keyPem, { mode: 0o644 });
  const nginxPort = await freePort();
  writeFileSync(
    join(root, 'nginx.conf'),
    `worker_processes 1; pid ${root}/nginx.pid; error_log ${root}/error.log;
events {}
http { access_log off; sendfile on; keepalive_requests 100000;
  client_body_temp_path ${root}/tmp; proxy_temp_path ${root}/tmp; fastcgi_temp_path ${root}/tmp; uwsgi_temp_path ${root}/tmp; scgi_temp_path ${root}/tmp;
  server { listen 127.0.0.1:${nginxPort} ssl; ssl_certificate ${root}/tls.crt; ssl_certificate_key ${root}/tls.key; root ${www}; } }`,
  );
  mkdirSync(join(root, 'tmp'));
  children.push(spawn('nginx', ['-p', root, '-c', join(root, 'nginx.conf'), '-g', 'daemon off;'], { stdio: 'ignore' }));
  const origin = `https://127.0.0.1:${nginxPort}`;
  await waitFor(() => run('curl', ['-s', '--cacert', caFile, `${origin}${smallPath}`, '-o', '/dev/null']).then(() => true, () => false), 'nginx');

  // our proxy: MITM of the origin host (it is the registry mirror), blobs through P2P
  stack = await startProxyStack({ config: { registryMirror: { addr: origin, cert: caFile } }, sourceCaPem: certs.caPem });
  const ours = ['-x', `http://127.0.0.1:${stack.port}`, '--cacert', stack.caCertPath];

  // mitmproxy, streaming bodies (else it buffers 256 MiB per flow), trusting the origin CA
  const mitmPort = await freePort();
  const mitmConf = join(root, 'mitm');
  mkdirSync(mitmConf);
  children.push(
    spawn('mitmdump', ['-q', '--listen-host', '127.0.0.1', '--listen-port', String(mitmPort), '--set', `confdir=${mitmConf}`, '--set', 'stream_large_bodies=1m', '--set', `ssl_verify_upstream_trusted_ca=${caFile}`], { stdio: 'ignore' }),
  );
  const mitmCa = join(mitmConf, 'mitmproxy-ca-cert.pem');
  await waitFor(() => existsSync(mitmCa), 'mitmproxy CA');
  const mitm = ['-x', `http://127.0.0.1:${mitmPort}`, '--cacert', mitmCa];
  await waitFor(() => run('curl', ['-s', '--fail', ...mitm, `${origin}${smallPath}`, '-o', '/dev/null']).then(() => true, () => false), 'mitmproxy');

  const direct = ['--cacert', caFile];
  // warm: the daemon fetches the blob once from the origin (P2P back-to-source), later rounds are cache hits
  const cold = await download(`${origin}${blobPath}`, ours);

  const rows: { name: string; mibps: number }[] = [];
  for (const [name, via] of [
    ['direct https (curl)', direct],
    ['our proxy, P2P cache hit (MITM)', ours],
    ['mitmproxy (stream_large_bodies)', mitm],
  ] as const) {
    const speeds: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const r = await download(`${origin}${blobPath}`, [...via]);
      if (r.bytes !== SIZE) throw new Error(`${name}: got ${r.bytes} bytes`);
      speeds.push(r.bytes / MiB / r.seconds);
    }
    rows.push({ name, mibps: median(speeds) });
  }
  const latency: { name: string; p50: number }[] = [];
  for (const [name, via, path] of [
    ['direct https, 1 KiB', direct, smallPath],
    ['our proxy, 1 KiB forwarded', ours, smallPath],
    ['mitmproxy, 1 KiB', mitm, smallPath],
  ] as const) {
    // one pass to warm up (JIT, connection pools, certificates), then the measured one
    await smallLatencyP50(`${origin}${path}`, SMALL_REQUESTS, [...via]);
    latency.push({ name, p50: await smallLatencyP50(`${origin}${path}`, SMALL_REQUESTS, [...via]) });
  }

  const base = rows[0]?.mibps as number;
  const lines = [
    `blob ${SIZE / MiB} MiB, median of ${ROUNDS} rounds; cold fetch through our proxy (origin → daemon → client): ${(cold.bytes / MiB / cold.seconds).toFixed(0)} MiB/s`,
    ...rows.map((r) => `${r.name.padEnd(36)} ${r.mibps.toFixed(0).padStart(6)} MiB/s  ${(r.mibps / base).toFixed(2)}× direct`),
    `small requests: p50 of ${SMALL_REQUESTS} GETs on one kept-alive connection (curl time_total), after a warm-up pass of as many`,
    ...latency.map((l) => `${l.name.padEnd(36)} ${l.p50.toFixed(3).padStart(8)} ms  (+${(l.p50 - (latency[0]?.p50 as number)).toFixed(3)} ms vs direct)`),
    `our proxy vs mitmproxy: ${((rows[1]?.mibps as number) / (rows[2]?.mibps as number)).toFixed(1)}× throughput`,
  ];
  process.stdout.write(`\n${lines.join('\n')}\n`);
});
