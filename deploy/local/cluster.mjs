#!/usr/bin/env node
// A whole Dragonfly cluster on loopback, from the built services: certificates from dfcert, a
// manager on SQLite (HTTPS console), a scheduler registered with it, a seed peer and two
// dfdaemons, all under mutual TLS. It downloads one file through P2P with dfget on each daemon,
// reports where the bytes came from, and keeps running until Ctrl-C.
//
//   pnpm start                      (after pnpm install)
//   DRAGONFLY_LOCAL_URL=<url>       download this URL instead of the built-in origin's file
//   DRAGONFLY_LOCAL_SIZE=256MiB     size of the built-in origin's file (default 64MiB)
//   DRAGONFLY_LOCAL_DIR=<dir>       where configs, certificates, data and logs go (default .local/cluster)
//   DRAGONFLY_LOCAL_PORT_OFFSET=N   add N to every port below (to run beside another cluster)

import { spawn, execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = {
  dfcert: join(ROOT, 'packages/tls/bin/dfcert.js'),
  manager: join(ROOT, 'apps/manager/bin/manager.js'),
  scheduler: join(ROOT, 'apps/scheduler/bin/scheduler.js'),
  dfdaemon: join(ROOT, 'apps/dfdaemon/bin/dfdaemon.js'),
  dfget: join(ROOT, 'apps/dfdaemon/bin/dfget.js'),
};
const HOME = resolve(process.env.DRAGONFLY_LOCAL_DIR ?? join(ROOT, '.local/cluster'));
const OFFSET = Number(process.env.DRAGONFLY_LOCAL_PORT_OFFSET ?? 0);
const SIZE = parseSizeOrExit(process.env.DRAGONFLY_LOCAL_SIZE ?? '64MiB');

// Upstream's ports for the first of each service; the other daemons step by 10.
const PORTS = {
  'manager REST + console': 8080,
  'manager gRPC': 65003,
  'scheduler gRPC': 8002,
  'origin (built-in HTTP file server)': 8081,
  ...daemonPorts('seed-1', 4000),
  ...daemonPorts('peer-1', 4010),
  ...daemonPorts('peer-2', 4020),
};
for (const k of Object.keys(PORTS)) PORTS[k] += OFFSET;

function daemonPorts(name, base) {
  return { [`${name} gRPC`]: base, [`${name} proxy`]: base + 1, [`${name} health`]: base + 3, [`${name} pieces`]: base + 5 };
}

const children = [];
let stopping = false;
let running = false;

// Installed before anything starts: Ctrl-C at any moment stops every service in reverse order
// (during start-up too), and a repeated Ctrl-C never leaves services behind.
const stopRequested = new Promise((resolveStop) => {
  const onSignal = () => {
    if (stopping) return;
    stopping = true;
    if (running) {
      resolveStop();
      return;
    }
    console.log('\nstopping…');
    stopAll().then(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
});

main().catch(async (err) => {
  console.error(`\n✗ ${err.message}`);
  await stopAll();
  process.exit(1);
});

async function main() {
  for (const [name, path] of Object.entries(BIN)) {
    if (!existsSync(path.replace(/bin\/(\w+)\.js$/, 'dist'))) throw new Error(`${name} is not built: run \`pnpm build\` first (or use \`pnpm start\`).`);
  }
  await checkPortsFree();
  mkdirSync(HOME, { recursive: true, mode: 0o700 });
  const certs = join(HOME, 'certs');
  step('certificates (dfcert)');
  if (!existsSync(join(certs, 'ca.crt'))) run(BIN.dfcert, ['init', '--dir', certs]);
  for (const name of ['seed-1', 'peer-1', 'peer-2']) {
    if (!existsSync(join(certs, name))) run(BIN.dfcert, ['issue', '--dir', certs, '--name', name, '--role', 'dfdaemon', '--cn', name]);
  }
  console.log(`  CA and one identity per service in ${rel(certs)}`);

  const origin = await startOrigin();
  const url = process.env.DRAGONFLY_LOCAL_URL ?? origin.url;

  step('manager (SQLite, HTTPS console)');
  const rootPassword = process.env.DRAGONFLY_INITIAL_ROOT_PASSWORD ?? randomBytes(12).toString('base64url');
  const firstStart = !existsSync(join(HOME, 'manager/data'));
  writeYaml('manager/manager.yaml', {
    server: {
      dataDir: join(HOME, 'manager/data'),
      logLevel: 'info',
      rest: { addr: `127.0.0.1:${PORTS['manager REST + console']}`, tls: { cert: join(certs, 'manager/tls.crt'), key: join(certs, 'manager/tls.key') } },
      grpc: { listenIP: '127.0.0.1', port: { start: PORTS['manager gRPC'], end: PORTS['manager gRPC'] }, tlsDir: join(certs, 'manager') },
    },
  });
  await startService('manager', BIN.manager, 'manager/manager.yaml', (l) => l.includes('manager REST API listening'), {
    DRAGONFLY_INITIAL_ROOT_PASSWORD: rootPassword,
  });
  const consoleUrl = `https://127.0.0.1:${PORTS['manager REST + console']}/`;
  console.log(`  console ${consoleUrl}  (CA: ${rel(join(certs, 'ca.crt'))})`);
  if (firstStart) console.log(`  sign in as root with password ${rootPassword}  (shown once; you will be asked to change it)`);
  else console.log('  sign in as root with the password shown when this cluster first started');

  step('scheduler (registers with the manager)');
  writeYaml('scheduler/scheduler.yaml', {
    server: { port: PORTS['scheduler gRPC'], listenIP: '127.0.0.1', advertiseIP: '127.0.0.1', host: 'scheduler', logLevel: 'info' },
    manager: { addr: `127.0.0.1:${PORTS['manager gRPC']}` },
    security: { tlsDir: join(certs, 'scheduler') },
  });
  await startService('scheduler', BIN.scheduler, 'scheduler/scheduler.yaml', (l) => /listen|ready|serving/i.test(l) && l.includes(String(PORTS['scheduler gRPC'])));

  const daemons = {};
  for (const [name, seed] of [['seed-1', true], ['peer-1', false], ['peer-2', false]]) {
    step(`${seed ? 'seed peer' : 'dfdaemon'} ${name}`);
    daemons[name] = await startDaemon(name, seed, certs);
  }

  step(`download ${url}`);
  const results = [];
  for (const name of ['peer-1', 'peer-2']) {
    const out = join(HOME, 'downloads', `${name}.bin`);
    rmSync(out, { force: true });
    mkdirSync(dirname(out), { recursive: true });
    const before = origin.bytesServed;
    const t0 = performance.now();
    const summary = await runAsync(BIN.dfget, [url, '-O', out, '-e', daemons[name].socketPath, '--no-progress']);
    const seconds = (performance.now() - t0) / 1000;
    const sha = sha256File(out);
    const line = summary.split('\n').filter((l) => l.includes('peers')).pop() ?? summary.trim();
    results.push({ name, seconds, originBytes: origin.bytesServed - before, sha });
    console.log(`  ${name}: ${line.trim()}`);
    console.log(`          ${seconds.toFixed(2)} s, sha256 ${sha.slice(0, 16)}…, origin served ${fmt(origin.bytesServed - before)} during this download`);
  }
  if (url === origin.url) {
    const same = results.every((r) => r.sha === origin.sha256);
    console.log(`\n  file ${fmt(SIZE)}; origin served ${fmt(origin.bytesServed)} in all (${(origin.bytesServed / SIZE).toFixed(2)}× the file) for ${results.length} downloads;`);
    console.log(`  every copy ${same ? 'matches' : 'DOES NOT match'} the origin's sha256.`);
    if (!same) throw new Error('a downloaded copy differs from the origin');
  }

  console.log(`\nThe cluster is running (logs and data in ${rel(HOME)}). Try:`);
  console.log(`  node ${rel(BIN.dfget)} ${url} -O /tmp/copy.bin -e ${daemons['peer-2'].socketPath}`);
  console.log(`  curl --cacert ${rel(join(certs, 'ca.crt'))} ${consoleUrl}healthy`);
  console.log('Ctrl-C stops it.');
  // Ctrl-C reaches the services too (same process group): they stop themselves in parallel.
  running = true;
  await stopRequested;
  console.log('\nstopping…');
  await stopAll();
  origin.server.close();
  console.log('stopped.');
}

async function startDaemon(name, seed, certs) {
  const home = join(HOME, name);
  const socketPath = join(home, 'dfdaemon.sock');
  const base = PORTS[`${name} gRPC`];
  writeYaml(`${name}/dfdaemon.yaml`, {
    host: { hostname: name, ip: '127.0.0.1' },
    // The built-in origin is on loopback: seed peers fetch it on the scheduler's behalf, which the
    // daemon refuses for private and loopback addresses unless they are allow-listed.
    download: { server: { socketPath }, remoteSource: { allowList: ['127.0.0.0/8', '::1'] } },
    upload: { server: { ip: '127.0.0.1', port: base, tlsDir: join(certs, name) }, client: { tlsDir: join(certs, name) } },
    scheduler: { addrs: [`127.0.0.1:${PORTS['scheduler gRPC']}`] },
    seedPeer: { enable: seed },
    storage: { dir: join(home, 'data'), keep: true, server: { ip: '127.0.0.1', tcpPort: PORTS[`${name} pieces`] } },
    health: { server: { ip: '127.0.0.1', port: PORTS[`${name} health`] } },
    proxy: { server: { ip: '127.0.0.1', port: PORTS[`${name} proxy`] } },
  });
  await startService(name, BIN.dfdaemon, `${name}/dfdaemon.yaml`, (l) => l.includes('"dfdaemon ready"'));
  console.log(`  gRPC :${base}, pieces :${PORTS[`${name} pieces`]}, proxy :${PORTS[`${name} proxy`]}, socket ${rel(socketPath)}`);
  return { socketPath };
}

function startService(name, bin, configRel, isReady, env = {}) {
  if (stopping) return Promise.reject(new Error('stopped before every service was started'));
  const config = join(HOME, configRel);
  const log = createWriteStream(join(dirname(config), `${name}.log`), { flags: 'a', mode: 0o600 });
  const child = spawn(process.execPath, [bin, '--config', config], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push({ name, child });
  return new Promise((resolveReady, rejectReady) => {
    let buffered = '';
    let ready = false;
    const timer = setTimeout(() => rejectReady(new Error(`${name} did not become ready in 30 s; see ${rel(join(dirname(config), `${name}.log`))}`)), 30_000);
    const onData = (chunk) => {
      log.write(chunk);
      if (ready) return;
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (/"level":("fatal"|"error"|60|50)/.test(line)) console.error(`  ${name}: ${describeLogLine(line)}`);
        if (isReady(line)) {
          ready = true;
          clearTimeout(timer);
          resolveReady();
        }
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (!ready) rejectReady(new Error(`${name} exited (${signal ?? code}) before it was ready; see ${rel(join(dirname(config), `${name}.log`))}`));
      else if (!stopping) console.error(`  ${name} exited unexpectedly (${signal ?? code})`);
    });
  });
}

async function stopAll() {
  stopping = true;
  for (const { name, child } of children.reverse()) {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    console.log(`  ${name} stopped${child.exitCode === 0 || child.signalCode === 'SIGTERM' ? '' : ` (${child.signalCode ?? `exit ${child.exitCode}`})`}`);
  }
}

/** A file server for the built-in file: deterministic bytes, Range support, counts what it serves. */
async function startOrigin() {
  const dir = join(HOME, 'origin');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `file-${SIZE}.bin`);
  if (!existsSync(file)) {
    const out = createWriteStream(file);
    let seed = createHash('sha256').update(`dragonfly-${SIZE}`).digest();
    for (let left = SIZE; left > 0; ) {
      const n = Math.min(left, 1 << 20);
      const block = Buffer.alloc(n);
      for (let o = 0; o < n; o += 32) {
        seed = createHash('sha256').update(seed).digest();
        seed.copy(block, o);
      }
      if (!out.write(block)) await new Promise((r) => out.once('drain', r));
      left -= n;
    }
    await new Promise((r, j) => out.end((e) => (e ? j(e) : r())));
  }
  const sha256 = sha256File(file);
  const data = readFileSync(file);
  const state = { bytesServed: 0 };
  const server = createHttpServer((req, res) => {
    if (req.url !== '/file.bin' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404).end();
      return;
    }
    let start = 0;
    let end = data.length - 1;
    const m = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    if (m) {
      start = Number(m[1]);
      end = m[2] === '' ? end : Math.min(Number(m[2]), end);
      if (start > end) {
        res.writeHead(416, { 'content-range': `bytes */${data.length}` }).end();
        return;
      }
    }
    const body = data.subarray(start, end + 1);
    const headers = { 'content-length': body.length, 'accept-ranges': 'bytes', 'content-type': 'application/octet-stream' };
    if (m) headers['content-range'] = `bytes ${start}-${end}/${data.length}`;
    res.writeHead(m ? 206 : 200, headers);
    if (req.method === 'HEAD') return res.end();
    state.bytesServed += body.length;
    res.end(body);
  });
  const port = PORTS['origin (built-in HTTP file server)'];
  await new Promise((r, j) => server.once('error', j).listen(port, '127.0.0.1', r));
  step('origin');
  console.log(`  http://127.0.0.1:${port}/file.bin (${fmt(SIZE)}, sha256 ${sha256.slice(0, 16)}…)`);
  return {
    server,
    url: `http://127.0.0.1:${port}/file.bin`,
    sha256,
    get bytesServed() {
      return state.bytesServed;
    },
  };
}

async function checkPortsFree() {
  const busy = [];
  for (const [what, port] of Object.entries(PORTS)) {
    const free = await new Promise((r) => {
      const s = createNetServer();
      s.once('error', () => r(false));
      s.listen(port, '127.0.0.1', () => s.close(() => r(true)));
    });
    if (!free) busy.push(`  ${port} (${what})`);
  }
  if (busy.length > 0) {
    throw new Error(`these ports are already in use:\n${busy.join('\n')}\nStop what uses them, or set DRAGONFLY_LOCAL_PORT_OFFSET (for example 100) to move the whole cluster.`);
  }
}

function run(bin, args) {
  try {
    return execFileSync(process.execPath, [bin, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const out = `${err.stdout ?? ''}${err.stderr ?? ''}`.trim();
    throw new Error(`${rel(bin)} ${args.join(' ')} failed${out ? `:\n${out}` : ''}`);
  }
}

/** Like run(), without blocking this process's event loop (the built-in origin lives in it). */
function runAsync(bin, args) {
  return new Promise((resolveRun, rejectRun) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    child.once('error', rejectRun);
    child.once('exit', (code) => (code === 0 ? resolveRun(out) : rejectRun(new Error(`${rel(bin)} ${args.join(' ')} failed (exit ${code}):\n${out.trim()}`))));
  });
}

function writeYaml(relPath, value) {
  const path = join(HOME, relPath);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  // JSON is valid YAML; the services read either.
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
}

function describeLogLine(line) {
  try {
    const rec = JSON.parse(line);
    return `${rec.msg}${rec.err?.message ? `: ${rec.err.message}` : ''}`;
  } catch {
    return line;
  }
}

function sha256File(path) {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function step(text) {
  console.log(`\n▶ ${text}`);
}

function rel(path) {
  return path.startsWith(ROOT) ? path.slice(ROOT.length + 1) : path;
}

function fmt(bytes) {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

function parseSizeOrExit(text) {
  const m = /^(\d+)\s*(B|KiB|MiB|GiB)?$/i.exec(text.trim());
  if (!m || Number(m[1]) === 0) {
    console.error(`✗ DRAGONFLY_LOCAL_SIZE: expected a size such as 64MiB, found "${text}"`);
    process.exit(2);
  }
  const mult = { b: 1, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 }[(m[2] ?? 'B').toLowerCase()];
  return Number(m[1]) * mult;
}
