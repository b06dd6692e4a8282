import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@d7y/logger';
import { checkHealth, createHealthClient } from '@d7y/rpc';
import { TlsSource, createCa, grpcChannelCredentials, issueCertificate } from '@d7y/tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { managerConfigSchema } from '../src/config/manager-config.js';
import { startManager, type RunningManager } from '../src/main.js';
import { TEST_JWT_KEY, TEST_PASSWORD_COST } from './manager-fixture.js';

async function until(check: () => Promise<boolean>, ms = 10_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
  return true;
}

describe('manager observability', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'd7y-manager-obs-'));
  const ca = createCa();
  const server = issueCertificate(ca, { commonName: 'manager', role: 'manager', usage: 'server', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
  const client = issueCertificate(ca, { commonName: 'scheduler-1', role: 'scheduler', usage: 'client' });
  let manager: RunningManager;
  let health: ReturnType<typeof createHealthClient>;

  beforeAll(async () => {
    const config = managerConfigSchema.parse({
      server: { dataDir, rest: { addr: '127.0.0.1:0' }, grpc: { tlsDir: join(dataDir, 'certs'), listenIP: '127.0.0.1', port: { start: 0, end: 0 } } },
      auth: { jwt: { key: TEST_JWT_KEY } },
      metrics: { enable: true, addr: '127.0.0.1:0' },
    });
    manager = await startManager(config, {
      grpcTls: TlsSource.fromPem({ ca: ca.certPem, cert: server.certPem, key: server.keyPem }),
      logger: createLogger({ level: 'silent' }),
      initialRootPassword: 'root-password-for-tests',
      print: () => undefined,
      passwordCost: TEST_PASSWORD_COST,
      healthCheckIntervalMs: 50,
    });
    const creds = grpcChannelCredentials(TlsSource.fromPem({ ca: ca.certPem, cert: client.certPem, key: client.keyPem }), { serverName: 'localhost' });
    health = createHealthClient(`127.0.0.1:${manager.grpcPort}`, creds);
  });
  afterAll(async () => {
    health?.close();
    await manager?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves REST and gRPC metrics and the certificate expiry on metrics.addr', async () => {
    expect(manager.metricsPort).toBeGreaterThan(0);
    expect((await fetch(`${manager.restUrl}/healthy`)).status).toBe(200);
    expect(await checkHealth(health, 'manager.v2.Manager')).toBe('SERVING');
    const text = await (await fetch(`http://127.0.0.1:${manager.metricsPort}/metrics`)).text();
    expect(text).toContain('dragonfly_manager_http_requests_total{method="GET",route="/healthy",code="200"} 1');
    expect(text).toContain('dragonfly_manager_grpc_server_handled_total{server="manager",grpc_service="grpc.health.v1.Health",grpc_method="Check",grpc_code="OK"} 1');
    const expiry = /dragonfly_manager_certificate_expiry_timestamp_seconds\{certificate="grpc"\} (\d+)/.exec(text);
    expect(Number(expiry?.[1])).toBeGreaterThan(Date.now() / 1000);
  });

  it('says NOT_SERVING over grpc.health.v1 and an error on /healthy once its database is gone', async () => {
    await manager.database.destroy();
    expect(await until(async () => (await checkHealth(health, 'manager.v2.Manager')) === 'NOT_SERVING')).toBe(true);
    expect(await checkHealth(health)).toBe('NOT_SERVING');
    // /healthy pings the database: 503 when the server is unreachable, 500 for a closed sqlite handle
    expect((await fetch(`${manager.restUrl}/healthy`)).status).toBeGreaterThanOrEqual(500);
  });
});
