import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { E2eCluster } from '../../test/e2e/harness/cluster.js';
import type { DfdaemonProcess } from '../../test/e2e/harness/dfdaemon-process.js';
import { dfget } from '../../test/e2e/harness/dfget.js';
import { assertBuilt } from '../../test/e2e/harness/paths.js';
import { CappedRelay } from './capped-relay.js';
import { cpuSecondsOf, peakRssOf, percentile, reapedChildrenCpuSeconds } from './proc-stats.js';

const MiB = 1024 * 1024;
const SIZE = Number(process.env.BENCH_SWARM_SIZE_MIB ?? 256) * MiB;
const CAP = Number(process.env.BENCH_SWARM_ORIGIN_MIBPS ?? 40) * MiB;
const COUNTS = (process.env.BENCH_SWARM_N ?? '8,16').split(',').map(Number);
// Storage and outputs on tmpfs by default: 16 × 256 MiB of fdatasync'ed pieces would measure the
// disk of this machine, not P2P. BENCH_SWARM_STORAGE=disk measures with the disk.
const ON_DISK = process.env.BENCH_SWARM_STORAGE === 'disk';
const FLOOR_S = SIZE / CAP;

interface ModeResult {
  mode: string;
  n: number;
  originBytes: number;
  times: number[];
  cpuSeconds: number;
  peakRssPerDaemon?: number;
}
const results: ModeResult[] = [];

describe('swarm: N clients download one file from an origin with capped egress', () => {
  let cluster: E2eCluster;
  let relay: CappedRelay;
  let url = '';
  let sha = '';
  let scratch = '';

  afterAll(async () => {
    await relay?.stop();
    await cluster?.stop();
    if (scratch !== '') await rm(scratch, { recursive: true, force: true });
    printTable();
  });

  it('prepares nginx behind a capped relay', async () => {
    assertBuilt('dfdaemon', 'dfget', 'scheduler', 'dfcert');
    cluster = await E2eCluster.create('bench-swarm');
    scratch = ON_DISK ? join(cluster.root, 'scratch') : join('/dev/shm', `d7y-bench-swarm-${process.pid}`);
    await mkdir(scratch, { recursive: true });
    const nginx = await cluster.nginx();
    const path = await nginx.put('blob.bin', randomBlob(SIZE));
    relay = await CappedRelay.start({ host: '127.0.0.1', port: nginx.port }, CAP);
    url = `http://127.0.0.1:${relay.port}${path}`;
    sha = createHash('sha256').update(randomBlob(SIZE)).digest('hex');
    process.stdout.write(`file ${SIZE / MiB} MiB, origin egress cap ${CAP / MiB} MiB/s → floor ${FLOOR_S.toFixed(2)} s; storage on ${ON_DISK ? 'disk' : 'tmpfs'}\n`);
  });

  for (const n of COUNTS) {
    it(`direct: ${n} × curl from the origin`, async () => {
      const dir = join(scratch, `direct-${n}`);
      await mkdir(dir, { recursive: true });
      const before = relay.bytesOut;
      const cpu0 = reapedChildrenCpuSeconds();
      const t0 = performance.now();
      const times = await Promise.all(
        Array.from({ length: n }, (_, i) => timedCurl(url, join(dir, `${i}.bin`)).then(() => (performance.now() - t0) / 1000)),
      );
      results.push({ mode: 'direct (curl)', n, originBytes: relay.bytesOut - before, times: times.sort((a, b) => a - b), cpuSeconds: reapedChildrenCpuSeconds() - cpu0 });
      for (let i = 0; i < n; i++) expect(await sha256File(join(dir, `${i}.bin`))).toBe(sha);
      await rm(dir, { recursive: true, force: true });
    });

    it(`p2p: ${n} × dfget through dfdaemons, one seed peer`, async () => {
      const scheduler = await cluster.scheduler(`scheduler-${n}`);
      const storage = (name: string) => ({ storage: { dir: join(scratch, name, 'data') } });
      const seed = await cluster.dfdaemon({ hostname: `seed-${n}`, schedulers: [scheduler.address], seed: true, config: storage(`seed-${n}`) });
      const peers: DfdaemonProcess[] = [];
      for (let i = 0; i < n; i++) peers.push(await cluster.dfdaemon({ hostname: `peer-${n}-${i}`, schedulers: [scheduler.address], config: storage(`peer-${n}-${i}`) }));
      const procs = [scheduler.proc.pid, seed.proc.pid, ...peers.map((p) => p.proc.pid)];
      const cpuStart = procs.map(cpuSecondsOf);
      const cpu0 = reapedChildrenCpuSeconds();
      const before = relay.bytesOut;
      // A distinct URL per N (query string) so the earlier round's task does not serve this one.
      const taskUrl = `${url}?round=${n}`;
      const t0 = performance.now();
      const times = await Promise.all(
        peers.map(async (p, i) => {
          const out = join(scratch, `peer-${n}-${i}`, 'out.bin');
          const r = await dfget(p.socketPath, [taskUrl, '-O', out, '--no-progress']);
          if (r.code !== 0) throw new Error(`dfget on peer ${i} failed: ${r.stderr}`);
          return (performance.now() - t0) / 1000;
        }),
      );
      const cpuSeconds = procs.reduce((s, pid, i) => s + cpuSecondsOf(pid) - (cpuStart[i] as number), 0) + (reapedChildrenCpuSeconds() - cpu0);
      const peakRss = Math.max(...peers.map((p) => peakRssOf(p.proc.pid)));
      results.push({ mode: 'p2p (dfget)', n, originBytes: relay.bytesOut - before, times: times.sort((a, b) => a - b), cpuSeconds, peakRssPerDaemon: peakRss });
      for (let i = 0; i < n; i++) expect(await sha256File(join(scratch, `peer-${n}-${i}`, 'out.bin'))).toBe(sha);
      for (const p of [...peers, seed]) await p.stop();
      await scheduler.stop();
      for (let i = 0; i < n; i++) await rm(join(scratch, `peer-${n}-${i}`), { recursive: true, force: true });
      await rm(join(scratch, `seed-${n}`), { recursive: true, force: true });
    });
  }
});

function printTable(): void {
  const lines = [
    '',
    `swarm: ${SIZE / MiB} MiB file, origin egress capped at ${CAP / MiB} MiB/s, floor = size ÷ cap = ${FLOOR_S.toFixed(2)} s`,
    'mode            N   origin÷size   p50 s   p99 s   p99÷floor   CPU s   peak RSS/daemon',
  ];
  for (const r of results) {
    lines.push(
      [
        r.mode.padEnd(14),
        String(r.n).padStart(3),
        (r.originBytes / SIZE).toFixed(2).padStart(12),
        percentile(r.times, 50).toFixed(2).padStart(7),
        percentile(r.times, 99).toFixed(2).padStart(7),
        (percentile(r.times, 99) / FLOOR_S).toFixed(2).padStart(11),
        r.cpuSeconds.toFixed(1).padStart(7),
        (r.peakRssPerDaemon === undefined ? '-' : `${(r.peakRssPerDaemon / MiB).toFixed(0)} MiB`).padStart(17),
      ].join(' '),
    );
  }
  lines.push('targets (p2p): origin÷size ≤ 1.10, p99÷floor ≤ 1.60');
  process.stdout.write(`${lines.join('\n')}\n`);
}

let blob: Buffer | undefined;
/** One deterministic pseudo-random file (sha256 chain), the same bytes every call. */
function randomBlob(size: number): Buffer {
  if (blob?.length === size) return blob;
  blob = Buffer.alloc(size);
  let block = createHash('sha256').update('swarm').digest();
  for (let o = 0; o < size; o += 32) {
    block = createHash('sha256').update(block).digest();
    block.copy(blob, o);
  }
  return blob;
}

function timedCurl(url: string, out: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const c = spawn('curl', ['-sf', '-o', out, url], { stdio: 'ignore' });
    c.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`curl exited ${code}`))));
  });
}

async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const c of createReadStream(path, { highWaterMark: MiB })) h.update(c as Buffer);
  return h.digest('hex');
}

