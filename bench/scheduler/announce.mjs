// Scheduler registration benchmark: 1,000 hosts and 10,000 peers on one task, over real mTLS gRPC.
// The scheduler runs as its own process (apps/scheduler/bin/scheduler.js, pinned to one core when
// `taskset` exists); this process plays the daemons. Prints registrations/s, p50/p99 latency of
// RegisterPeer → first response, and the scheduler's peak RSS (VmHWM).
// Run after `pnpm build`: node bench/scheduler/announce.mjs [hosts] [peers] [inFlight]
import { spawn, spawnSync } from 'node:child_process';
import { connect as connectH2 } from 'node:http2';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hostId, peerId, taskId } from '../../packages/core/dist/index.js';
import { createSchedulerClient, checkHealth, createHealthClient, schedulerServiceDefinition } from '../../packages/rpc/dist/index.js';
import { TlsSource, createCa, grpcChannelCredentials, issueCertificate, writeTlsDir } from '../../packages/tls/dist/index.js';

const HOSTS = Number(process.argv[2] ?? 1000);
const PEERS = Number(process.argv[3] ?? 10_000);
const IN_FLIGHT = Number(process.argv[4] ?? 32);
const IPS_PER_IDENTITY = Number(process.env.BENCH_IPS_PER_IDENTITY ?? 10);
// `h2` (default): registrations go over node:http2 with requests framed before the clock starts, so
// the generator costs far less CPU per peer than the scheduler; `grpc-js`: through grpc-js clients.
const CLIENT = process.env.BENCH_CLIENT ?? 'h2';
// Peers registered on another task before the clock starts, so that the timed phase sees a warmed-up
// process (JIT-compiled paths), as a scheduler that has been running does. 0 measures a cold start.
const WARMUP = Number(process.env.BENCH_WARMUP_PEERS ?? 2000); // one certificate (hostname) announces 10 hosts, on 10 addresses
const PIECE = 4 * 1024 * 1024;
const PIECES = 16;
if (![HOSTS, PEERS, IN_FLIGHT].every((n) => Number.isInteger(n) && n > 0) || !(Number.isInteger(WARMUP) && WARMUP >= 0)) {
  console.error('usage: node bench/scheduler/announce.mjs [hosts] [peers] [inFlight]');
  process.exit(2);
}

const root = fileURLToPath(new URL('../..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'd7y-bench-scheduler-'));
const ca = createCa({ commonName: 'bench-ca' });
const leaf = (role, hostname) => issueCertificate(ca, { commonName: hostname, role, usage: 'dual', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const cpuSeconds = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks of 10 ms
};

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

function unary(client, method, req) {
  return new Promise((resolve, reject) => client[method](req, { deadline: Date.now() + 30_000 }, (err, res) => (err ? reject(err) : resolve(res))));
}

// --- the scheduler process ---
const schedulerCert = leaf('scheduler', 'bench-scheduler');
writeTlsDir(join(work, 'scheduler'), { caPem: ca.certPem, certPem: schedulerCert.certPem, keyPem: schedulerCert.keyPem });
const port = await freePort();
const identities = Math.ceil(HOSTS / IPS_PER_IDENTITY);
writeFileSync(
  join(work, 'scheduler.yaml'),
  `server:
  port: ${port}
  listenIP: 127.0.0.1
  logLevel: ${process.env.BENCH_SCHEDULER_LOG_LEVEL ?? "warn"}
  requestRateLimit: 1000000
security:
  tlsDir: ${join(work, 'scheduler')}
limits:
  hostsPerIdentity: ${IPS_PER_IDENTITY}
  peersPerIdentity: ${Math.ceil((PEERS + WARMUP) / identities) + 10}
  requestRateLimitPerIdentity: 1000000
  requestBurstPerIdentity: 1000000
`,
);
const pin = spawnSync('taskset', ['--version']).status === 0 ? ['taskset', '-c', '0'] : [];
const nodeArgs = (process.env.BENCH_SCHEDULER_NODE_ARGS ?? '').split(' ').filter(Boolean);
const command = [...pin, process.execPath, ...nodeArgs, join(root, 'apps/scheduler/bin/scheduler.js'), '--config', join(work, 'scheduler.yaml')];
const child = spawn(command[0], command.slice(1), { stdio: ['ignore', 'inherit', 'inherit'] });
// Never leave the scheduler behind, whatever happens here.
process.on('exit', () => child.kill('SIGKILL'));
process.on('uncaughtException', (err) => {
  console.error(err);
  process.exit(1);
});
const schedulerPid = () => {
  if (pin.length === 0) return child.pid;
  // taskset execs node in place: same pid.
  return child.pid;
};

const address = `127.0.0.1:${port}`;
const probe = createHealthClient(address, grpcChannelCredentials(TlsSource.fromPem({ ca: ca.certPem, ...pick(leaf('client', 'bench-probe')) })));
function pick({ certPem, keyPem }) {
  return { cert: certPem, key: keyPem };
}
for (let attempt = 0; ; attempt++) {
  try {
    if ((await checkHealth(probe, 'scheduler.v2.Scheduler', { timeoutMs: 1000 })) === 'SERVING') break;
  } catch {
    if (attempt > 100) throw new Error('the scheduler did not start');
  }
  await new Promise((resolve) => setTimeout(resolve, 100));
}
probe.close();

// --- the daemons: one certificate and channel per identity, IPS_PER_IDENTITY hosts each ---
const daemons = [];
for (let i = 0; i < identities; i++) {
  const hostname = `bench-${String(i).padStart(4, '0')}`;
  const cert = leaf('dfdaemon', hostname);
  const client = createSchedulerClient(address, grpcChannelCredentials(TlsSource.fromPem({ ca: ca.certPem, cert: cert.certPem, key: cert.keyPem })));
  const session = CLIENT === 'h2' ? connectH2(`https://${address}`, { ca: ca.certPem, cert: cert.certPem, key: cert.keyPem }) : undefined;
  session?.on('error', (err) => console.error(`session ${hostname}: ${err.message}`));
  daemons.push({ hostname, client, session, cert });
}
const hosts = [];
for (let i = 0; i < HOSTS; i++) {
  const daemon = daemons[i % identities];
  const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
  hosts.push({ daemon, ip, id: hostId(daemon.hostname, ip) });
}

async function pool(count, concurrency, run) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) await run(next++);
    }),
  );
}

let started = performance.now();
await pool(HOSTS, IN_FLIGHT, (i) => {
  const h = hosts[i];
  return unary(h.daemon.client, 'AnnounceHost', {
    host: {
      id: h.id,
      type: 0,
      hostname: h.daemon.hostname,
      ip: h.ip,
      port: 4000,
      download_port: 4005,
      network: { max_tx_bandwidth: 10_000_000_000, max_rx_bandwidth: 10_000_000_000, idc: `idc-${i % 4}`, location: 'eu|de|fra' },
    },
    interval: { seconds: 300 },
  });
});
const hostSeconds = (performance.now() - started) / 1000;

const download = {
  url: 'https://origin.example/bench/one-task.bin',
  type: 'STANDARD',
  priority: 'LEVEL0',
  filtered_query_params: [],
  request_header: {},
  actual_content_length: PIECES * PIECE,
  actual_piece_length: PIECE,
  actual_piece_count: PIECES,
};
const task = taskId({ url: download.url, filteredQueryParams: [] });
const warmupDownload = { ...download, url: 'https://origin.example/bench/warm-up.bin' };
const warmupTask = taskId({ url: warmupDownload.url, filteredQueryParams: [] });
const ANNOUNCE_PEER = schedulerServiceDefinition.AnnouncePeer.path;
const serializeRequest = schedulerServiceDefinition.AnnouncePeer.requestSerialize;
const RESPONSE_KINDS = { 0x0a: 'empty_task_response', 0x12: 'normal_task_response', 0x1a: 'need_back_to_source_response', 0x22: 'metadata_only_response' };
const streams = [];
const latencies = [];
const outcomes = new Map();

/** gRPC message framing: 0 (not compressed), 4-byte big-endian length, then the message. */
function grpcFrame(message) {
  const bytes = serializeRequest(message);
  const frame = Buffer.allocUnsafe(5 + bytes.length);
  frame[0] = 0;
  frame.writeUInt32BE(bytes.length, 1);
  bytes.copy(frame, 5);
  return frame;
}

/** Both messages of peer i, framed: RegisterPeer and DownloadPeerStarted. */
function framedPeer(i, taskIdOf = task, downloadOf = download) {
  const h = hosts[i % HOSTS];
  const ids = { host_id: h.id, task_id: taskIdOf, peer_id: peerId(h.daemon.hostname, h.ip) };
  return { session: h.daemon.session, register: grpcFrame({ ...ids, register_peer_request: { download: downloadOf } }), started: grpcFrame({ ...ids, download_peer_started_request: {} }) };
}

let lastResponseBytes = 0;
const H2_HEADERS = { ':method': 'POST', ':path': ANNOUNCE_PEER, 'content-type': 'application/grpc', te: 'trailers' };

/** register() over node:http2 with pre-framed messages; answers are told apart by their first byte. */
function registerH2(framed) {
  return new Promise((resolve, reject) => {
    const stream = framed.session.request(H2_HEADERS);
    streams.push(stream);
    const t0 = performance.now();
    let head = Buffer.alloc(0);
    let first = true;
    stream.on('data', (chunk) => {
      if (!first) return;
      head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
      if (head.length < 6) return;
      first = false;
      latencies.push(performance.now() - t0);
      lastResponseBytes = head.readUInt32BE(1);
      const response = RESPONSE_KINDS[head[5]] ?? `unknown(${head[5]})`;
      outcomes.set(response, (outcomes.get(response) ?? 0) + 1);
      stream.write(framed.started);
      resolve();
    });
    stream.on('trailers', (trailers) => {
      if (first) reject(new Error(`AnnouncePeer ended with grpc-status ${trailers['grpc-status']}: ${trailers['grpc-message']}`));
    });
    stream.on('response', (headers) => {
      if (first && headers['grpc-status'] !== undefined) reject(new Error(`AnnouncePeer refused with grpc-status ${headers['grpc-status']}: ${headers['grpc-message']}`));
    });
    stream.on('error', (err) => {
      if (first) reject(err);
    });
    stream.write(framed.register);
  });
}

/** Registers peer i; resolves when the first response arrived; keeps the stream open (a downloading peer). */
function register(i, taskIdOf = task, downloadOf = download) {
  const h = hosts[i % HOSTS];
  const ids = { host_id: h.id, task_id: taskIdOf, peer_id: peerId(h.daemon.hostname, h.ip) };
  return new Promise((resolve, reject) => {
    // Responses stay raw bytes: the first byte names the oneof member (0x12 normal task, 0x1a need
    // back-to-source), which is all the generator needs; decoding them would cost it more CPU than the scheduler.
    const call = h.daemon.client.makeBidiStreamRequest(ANNOUNCE_PEER, serializeRequest, (bytes) => bytes);
    streams.push(call);
    const t0 = performance.now();
    let first = true;
    call.on('data', (bytes) => {
      if (!first) return;
      first = false;
      latencies.push(performance.now() - t0);
      const response = RESPONSE_KINDS[bytes[0]] ?? `unknown(${bytes[0]})`;
      outcomes.set(response, (outcomes.get(response) ?? 0) + 1);
      if (response === 'need_back_to_source_response') {
        call.write({ ...ids, download_peer_back_to_source_started_request: {} });
        for (let n = 0; n < PIECES; n++) {
          call.write({ ...ids, download_piece_back_to_source_finished_request: { piece: { number: n, offset: n * PIECE, length: PIECE, digest: `sha256:${n.toString(16).padStart(64, '0')}`, traffic_type: 'BACK_TO_SOURCE' } } });
        }
      } else {
        call.write({ ...ids, download_peer_started_request: {} });
      }
      resolve();
    });
    call.on('error', (err) => {
      if (first) reject(err);
    });
    call.write({ ...ids, register_peer_request: { download: downloadOf } });
  });
}

let warmupSeconds = 0;
if (WARMUP > 0) {
  started = performance.now();
  await register(0, warmupTask, warmupDownload);
  const warm = CLIENT === 'h2' ? Array.from({ length: WARMUP - 1 }, (_, i) => framedPeer(i + 1, warmupTask, warmupDownload)) : [];
  await pool(WARMUP - 1, IN_FLIGHT, (i) => (CLIENT === 'h2' ? registerH2(warm[i]) : register(i + 1, warmupTask, warmupDownload)));
  warmupSeconds = (performance.now() - started) / 1000;
}
outcomes.clear();

// The first peer goes to the source (no seed peers here); everyone else gets parents.
await register(0);
const framed = CLIENT === 'h2' ? Array.from({ length: PEERS - 1 }, (_, i) => framedPeer(i + 1)) : [];
await new Promise((resolve) => setTimeout(resolve, 200));
latencies.length = 0;
const cpuBefore = cpuSeconds(schedulerPid());
const loadBefore = loadavg()[0];
started = performance.now();
await pool(PEERS - 1, IN_FLIGHT, (i) => (CLIENT === 'h2' ? registerH2(framed[i]) : register(i + 1)));
const peerSeconds = (performance.now() - started) / 1000;
const peerCpu = cpuSeconds(schedulerPid()) - cpuBefore;
const loadAfter = loadavg()[0];

const schedulerCpu = cpuSeconds(schedulerPid());
const benchCpu = cpuSeconds(process.pid);
const status = readFileSync(`/proc/${schedulerPid()}/status`, 'utf8');
const vmHwmKb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]);
const vmRssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);

for (const call of streams) call.end();
streams.length = 0;
for (const d of daemons) {
  d.client.close();
  d.session?.close();
}
child.kill('SIGTERM');
await new Promise((resolve) => child.once('exit', resolve));

latencies.sort((a, b) => a - b);
const schedulerLatencies = [...latencies];
const schedulerOutcomes = new Map(outcomes);

// --- the floor: the same exchange against a bare node:http2 server (same TLS, same CPU pinning) ---
let floor;
if (CLIENT === 'h2' && process.env.BENCH_FLOOR !== '0') {
  const floorPort = await freePort();
  const server = spawn(pin[0] ?? process.execPath, [...pin.slice(1), ...(pin.length ? [process.execPath] : []), join(root, 'bench/scheduler/http2-floor-server.mjs'), join(work, 'scheduler'), String(floorPort), String(lastResponseBytes)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  process.on('exit', () => server.kill('SIGKILL'));
  await new Promise((resolve, reject) => {
    server.stdout.once('data', resolve);
    server.once('exit', (code) => reject(new Error(`the floor server exited ${code}`)));
  });
  const sessions = daemons.map((d) => {
    const session = connectH2(`https://127.0.0.1:${floorPort}`, { ca: ca.certPem, cert: d.cert.certPem, key: d.cert.keyPem });
    session.on('error', (err) => console.error(`floor session ${d.hostname}: ${err.message}`));
    return session;
  });
  const bySession = new Map(daemons.map((d, i) => [d.session, sessions[i]]));
  const onFloor = (f) => ({ ...f, session: bySession.get(f.session) });
  const warm = Array.from({ length: WARMUP }, (_, i) => onFloor(framedPeer(i + 1, warmupTask, warmupDownload)));
  await pool(warm.length, IN_FLIGHT, (i) => registerH2(warm[i]));
  const timed = framed.map(onFloor);
  latencies.length = 0;
  const before = cpuSeconds(server.pid);
  const t0 = performance.now();
  await pool(timed.length, IN_FLIGHT, (i) => registerH2(timed[i]));
  const seconds = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds(server.pid) - before;
  latencies.sort((a, b) => a - b);
  floor = { seconds, cpu, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
  for (const stream of streams) stream.end();
  await Promise.all(sessions.map((session) => new Promise((resolve) => session.close(resolve))));
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
}
rmSync(work, { recursive: true, force: true });
latencies.length = 0;
latencies.push(...schedulerLatencies);
const fmt = (ms) => ms.toFixed(2);
console.log(`scheduler: one process${pin.length ? ' pinned to CPU 0 (taskset)' : ''}, mTLS gRPC on loopback; ${identities} client identities, ${IN_FLIGHT} registrations in flight, ${CLIENT} client`);
console.log(`hosts announced      ${HOSTS} in ${hostSeconds.toFixed(2)} s  (${Math.round(HOSTS / hostSeconds)} AnnounceHost/s)`);
if (WARMUP > 0) console.log(`warm-up              ${WARMUP} peers on another task in ${warmupSeconds.toFixed(2)} s (not timed below; BENCH_WARMUP_PEERS=0 to measure a cold process)`);
console.log(`peers registered     ${PEERS - 1} on one task in ${peerSeconds.toFixed(2)} s  (${Math.round((PEERS - 1) / peerSeconds)} registrations/s)`);
console.log(`responses            ${[...schedulerOutcomes].map(([k, v]) => `${k}=${v}`).join(', ')}`);
console.log(`latency (ms)         p50 ${fmt(percentile(latencies, 50))}  p99 ${fmt(percentile(latencies, 99))}  max ${fmt(latencies[latencies.length - 1])}`);
console.log(`scheduler CPU        ${peerCpu.toFixed(2)} s for the ${PEERS - 1} registrations = ${((peerCpu * 1e6) / (PEERS - 1)).toFixed(0)} µs each → ${Math.round((PEERS - 1) / peerCpu)} registrations per CPU-second`);
if (floor !== undefined) {
  const perStream = (floor.cpu * 1e6) / (PEERS - 1);
  console.log(
    `bare node:http2      the same ${PEERS - 1} exchanges (${lastResponseBytes}-byte answers, same mTLS) against a server that only frames bytes: ` +
      `${perStream.toFixed(0)} µs of CPU each → ${Math.round((PEERS - 1) / floor.cpu)} per CPU-second, ${Math.round((PEERS - 1) / floor.seconds)}/s wall, ` +
      `p50 ${fmt(floor.p50)} ms p99 ${fmt(floor.p99)} ms; the scheduler costs ${(peerCpu / floor.cpu).toFixed(2)}× this floor`,
  );
}
console.log(`machine              ${cpus().length} CPUs, load average ${loadBefore.toFixed(1)} → ${loadAfter.toFixed(1)} during the peer phase (other processes compete for the CPUs)`);
console.log(`CPU seconds          scheduler ${schedulerCpu.toFixed(1)}, load generator ${benchCpu.toFixed(1)} (whole run)`);
console.log(`scheduler RSS        peak ${(vmHwmKb / 1024).toFixed(1)} MiB, at the end ${(vmRssKb / 1024).toFixed(1)} MiB`);
