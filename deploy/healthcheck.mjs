#!/usr/bin/env node
// Container and systemd health probe for every service, from the built workspace:
//   node deploy/healthcheck.mjs http  http://127.0.0.1:4003/healthy
//   node deploy/healthcheck.mjs https https://127.0.0.1:8080/healthy [--ca /etc/dragonfly/certs/ca.crt]
//   node deploy/healthcheck.mjs grpc  127.0.0.1:8002 [--tls-dir /etc/dragonfly/certs/client]
// Exit 0 when healthy, 1 when not (with one line saying why), 2 on bad usage.
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

const [mode, target, ...rest] = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = rest.indexOf(name);
  return i >= 0 && rest[i + 1] !== undefined ? rest[i + 1] : fallback;
};
const TIMEOUT_MS = Number(opt('--timeout-ms', '4000'));

try {
  switch (mode) {
    case 'http':
    case 'https':
      await probeHttp(mode, target, opt('--ca', '/etc/dragonfly/certs/ca.crt'));
      break;
    case 'grpc':
      await probeGrpc(target, opt('--tls-dir', '/etc/dragonfly/certs/client'));
      break;
    default:
      console.error('usage: healthcheck.mjs http|https URL [--ca FILE] | grpc HOST:PORT [--tls-dir DIR]');
      process.exit(2);
  }
  process.exit(0);
} catch (err) {
  console.error(`unhealthy: ${err.message}`);
  process.exit(1);
}

function probeHttp(mode, url, caFile) {
  if (url === undefined) throw new Error('no URL given');
  const send = mode === 'https' ? httpsRequest : httpRequest;
  const options = mode === 'https' ? { ca: readFileSync(caFile), minVersion: 'TLSv1.2' } : {};
  return new Promise((resolve, reject) => {
    const req = send(url, { ...options, timeout: TIMEOUT_MS }, (res) => {
      res.resume();
      if (res.statusCode === 200) resolve();
      else reject(new Error(`${url} answered ${res.statusCode}`));
    });
    req.once('timeout', () => req.destroy(new Error(`${url} did not answer in ${TIMEOUT_MS} ms`)));
    req.once('error', reject);
    req.end();
  });
}

async function probeGrpc(address, tlsDir) {
  if (address === undefined) throw new Error('no address given');
  const rpc = await import('../packages/rpc/dist/index.js');
  const tls = await import('../packages/tls/dist/index.js');
  const source = tls.TlsSource.fromDir(tlsDir, { logger: { info() {}, warn() {}, error() {} } });
  await source.checkNow?.();
  const client = rpc.createHealthClient(address, tls.grpcChannelCredentials(source));
  try {
    const status = await rpc.checkHealth(client, '', { timeoutMs: TIMEOUT_MS });
    if (status !== 'SERVING') throw new Error(`${address} reports ${status}`);
  } finally {
    client.close();
    await source.stop?.();
  }
}
