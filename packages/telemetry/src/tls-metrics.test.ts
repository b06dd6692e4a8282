import { once } from 'node:events';
import { createServer } from 'node:https';
import { connect } from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import { grpcServerCredentials, httpsServerOptions, tlsClientOptions } from '@d7y/tls';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { mintTls } from './telemetry.fixture.js';
import { handshakeFailureReason, TlsMetrics } from './tls-metrics.js';

async function failures(registry: Registry, server: string, reason: string): Promise<number> {
  const m = await registry.getSingleMetric('t_tls_handshake_failures_total')?.get();
  return m?.values.find((v) => v.labels.server === server && v.labels.reason === reason)?.value ?? 0;
}

/** Connects without a client certificate and waits until the server closed the connection. */
async function connectWithoutCertificate(port: number, ca: string): Promise<void> {
  const socket = connect({ host: '127.0.0.1', port, ca, servername: 'localhost', ALPNProtocols: ['h2', 'http/1.1'] });
  socket.on('error', () => undefined);
  socket.write('GET / HTTP/1.1\r\nhost: x\r\n\r\n');
  // events.once would reject on the expected 'error' (alert "certificate required")
  await new Promise<void>((resolve) => socket.on('close', () => resolve()));
}

async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200 && !(await check()); i++) await new Promise((r) => setTimeout(r, 10));
}

describe('TlsMetrics', () => {
  it('counts an https client refused for having no certificate, and not a good client', async () => {
    const { ca, server: serverTls, client } = mintTls();
    const registry = new Registry();
    const metrics = new TlsMetrics({ registry, prefix: 't_' });
    const server = createServer(httpsServerOptions(serverTls), (_req, res) => res.end('ok'));
    metrics.watchServer(server, 'pieces');
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as { port: number }).port;
    try {
      const good = connect({ ...tlsClientOptions(client, { servername: 'localhost' }), host: '127.0.0.1', port });
      await once(good, 'secureConnect');
      good.destroy();
      expect(await failures(registry, 'pieces', 'no_client_certificate')).toBe(0);
      await connectWithoutCertificate(port, ca.certPem);
      await until(async () => (await failures(registry, 'pieces', 'no_client_certificate')) === 1);
      expect(await failures(registry, 'pieces', 'no_client_certificate')).toBe(1);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('reaches the http2 server of a bound grpc-js server', async () => {
    const { ca, server: serverTls } = mintTls();
    const registry = new Registry();
    const metrics = new TlsMetrics({ registry, prefix: 't_' });
    const server = new grpc.Server();
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpcServerCredentials(serverTls), (err, p) => (err ? reject(err) : resolve(p))),
    );
    try {
      expect(metrics.watchGrpcServer(server, 'grpc')).toBe(1);
      await connectWithoutCertificate(port, ca.certPem);
      await until(async () => (await failures(registry, 'grpc', 'no_client_certificate')) === 1);
      expect(await failures(registry, 'grpc', 'no_client_certificate')).toBe(1);
    } finally {
      server.forceShutdown();
    }
  });

  it('shows the certificate expiry and follows a reload', async () => {
    const first = mintTls();
    const registry = new Registry();
    const metrics = new TlsMetrics({ registry, prefix: 't_' });
    metrics.trackCertificate(first.server, 'server');
    const value = async (): Promise<number | undefined> =>
      (await registry.getSingleMetric('t_certificate_expiry_timestamp_seconds')?.get())?.values[0]?.value;
    expect(await value()).toBe(Math.floor(first.notAfter.getTime() / 1000));
    const second = mintTls();
    first.server.replace(second.client.current());
    expect(await value()).not.toBe(Math.floor(first.notAfter.getTime() / 1000));
  });

  it.each([
    ['peer did not return a certificate', 'no_client_certificate'],
    ['tlsv1 alert unknown ca', 'bad_certificate'],
    ['wrong version number', 'protocol'],
    ['something new', 'other'],
  ])('maps "%s" to %s', (message, reason) => {
    expect(handshakeFailureReason(new Error(message))).toBe(reason);
  });
});
