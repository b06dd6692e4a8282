import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@d7y/logger';
import { TlsSource, issueCertificate } from '@d7y/tls';
import type { CertificateAuthority } from '@d7y/tls';
import { expect } from 'vitest';
import { managerConfigSchema } from '../src/config/manager-config.js';
import type { Job } from '../src/jobs/job-repository.js';
import { startManager } from '../src/main.js';
import type { RunningManager } from '../src/main.js';
import { ROOT_PASSWORD, TEST_JWT_KEY, TEST_PASSWORD_COST, bearer } from './manager-fixture.js';

// A manager for the jobs tests: its gRPC identity is a dual-use certificate (role manager) of the
// cluster CA, since jobs make it a client of seed peers and schedulers; its log is kept for checks.

export interface JobsManager {
  manager: RunningManager;
  /** Every log line (JSON) the manager wrote. */
  logs: string[];
  rootToken: string;
  inject(method: 'GET' | 'POST' | 'DELETE', url: string, opts?: { token?: string; payload?: unknown }): Promise<{ statusCode: number; headers: Record<string, unknown>; body: string; json<T = unknown>(): T }>;
  /** Polls GET /api/v1/jobs/:id until the job has ended; answers it and every state seen on the way. */
  waitForJob(id: number, timeoutMs?: number): Promise<{ job: Job; states: string[] }>;
  /** Registers an active seed peer in the default seed peer cluster (linked to scheduler cluster 1). */
  addSeedPeer(peer: { hostname: string; port: number; ip?: string }): Promise<void>;
  stop(): Promise<void>;
}

export async function startJobsManager(opts: { ca: CertificateAuthority; job?: Record<string, unknown>; now?: () => number }): Promise<JobsManager> {
  const dataDir = mkdtempSync(join(tmpdir(), 'd7y-jobs-'));
  const config = managerConfigSchema.parse({
    server: { dataDir, rest: { addr: '127.0.0.1:0' }, grpc: { tlsDir: join(dataDir, 'certs'), listenIP: '127.0.0.1', port: { start: 0, end: 0 } } },
    auth: { jwt: { key: TEST_JWT_KEY } },
    job: opts.job ?? {},
  });
  const logs: string[] = [];
  const identity = issueCertificate(opts.ca, { commonName: 'manager', role: 'manager', usage: 'dual', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
  const manager = await startManager(config, {
    grpcTls: TlsSource.fromPem({ ca: opts.ca.certPem, cert: identity.certPem, key: identity.keyPem }),
    logger: createLogger({ level: 'info', destination: { write: (line: string) => void logs.push(line) } }),
    initialRootPassword: ROOT_PASSWORD,
    print: () => undefined,
    passwordCost: TEST_PASSWORD_COST,
    ...(opts.now === undefined ? {} : { now: opts.now }),
  });
  const inject: JobsManager['inject'] = async (method, url, o = {}) =>
    (await manager.rest.inject({
      method,
      url,
      ...(o.token === undefined ? {} : { headers: bearer(o.token) }),
      ...(o.payload === undefined ? {} : { payload: o.payload as object }),
    })) as unknown as Awaited<ReturnType<JobsManager['inject']>>;
  const signIn = await inject('POST', '/api/v1/users/signin', { payload: { name: 'root', password: ROOT_PASSWORD } });
  expect(signIn.statusCode).toBe(200);
  const rootToken = signIn.json<{ token: string }>().token;

  return {
    manager,
    logs,
    rootToken,
    inject,
    waitForJob: async (id, timeoutMs = 20_000) => {
      const states: string[] = [];
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const res = await inject('GET', `/api/v1/jobs/${id}`, { token: rootToken });
        expect(res.statusCode).toBe(200);
        const job = res.json<Job>();
        if (states.at(-1) !== job.state) states.push(job.state);
        if (job.state === 'SUCCESS' || job.state === 'FAILURE') return { job, states };
        if (Date.now() > deadline) throw new Error(`job ${id} still ${job.state} after ${timeoutMs} ms: ${JSON.stringify(job.result)}`);
        await new Promise((r) => setTimeout(r, 25)); // polling the API, as an operator following the job does
      }
    },
    addSeedPeer: async ({ hostname, port, ip = '127.0.0.1' }) => {
      const res = await inject('POST', '/api/v1/seed-peers', { token: rootToken, payload: { host_name: hostname, ip, port, download_port: port, seed_peer_cluster_id: 1 } });
      expect(res.statusCode, res.body).toBe(201);
      // Seed peers become active through their KeepAlive stream; here the row is set as that would.
      await manager.database.db.updateTable('seed_peers').set({ state: 'active' }).where('host_name', '=', hostname).execute();
    },
    stop: async () => {
      await manager.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A manager for cross-process tests: its gRPC identity from a dfcert directory, preheat trusting
 * `caCertFile` and reaching the allow-listed hosts; signs in as root and answers the token.
 */
export async function startManagerWithCertDir(opts: { dataDir: string; tlsDir: string; caCertFile: string; allowList: string[]; logLevel?: string }): Promise<{ manager: RunningManager; token: string }> {
  const config = managerConfigSchema.parse({
    server: { dataDir: opts.dataDir, rest: { addr: '127.0.0.1:0' }, grpc: { tlsDir: opts.tlsDir, listenIP: '127.0.0.1', port: { start: 0, end: 0 } } },
    auth: { jwt: { key: TEST_JWT_KEY } },
    job: { preheat: { allowList: opts.allowList, tls: { caCert: opts.caCertFile } } },
  });
  const manager = await startManager(config, {
    grpcTls: TlsSource.fromDir(opts.tlsDir, { logger: createLogger({ level: 'silent' }) }),
    logger: createLogger({ level: opts.logLevel ?? 'silent' }),
    initialRootPassword: ROOT_PASSWORD,
    print: () => undefined,
    passwordCost: TEST_PASSWORD_COST,
  });
  const res = await manager.rest.inject({ method: 'POST', url: '/api/v1/users/signin', payload: { name: 'root', password: ROOT_PASSWORD } });
  return { manager, token: (res.json() as { token: string }).token };
}
