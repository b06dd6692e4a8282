import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as grpc from '@grpc/grpc-js';
import { credentials as grpcCredentials } from '@grpc/grpc-js';
import { createLogger } from '@d7y/logger';
import { createManagerClient } from '@d7y/rpc';
import type { manager } from '@d7y/rpc';
import { TlsSource, createCa, grpcChannelCredentials, issueCertificate } from '@d7y/tls';
import type { CertificateAuthority, ServiceRole } from '@d7y/tls';
import type { SignInThrottleLimits } from '../src/auth/sign-in-throttle.js';
import { managerConfigSchema } from '../src/config/manager-config.js';
import type { ManagerConfig } from '../src/config/manager-config.js';
import type { DatabaseOptions } from '../src/db/manager-database.js';
import { startManager } from '../src/main.js';
import type { RunningManager } from '../src/main.js';

export const TEST_JWT_KEY = 'test-only-hmac-key-0123456789abcdefghijklmnopqrstuvwxyz';
export const ROOT_PASSWORD = 'root-password-for-tests';
/** Cheap scrypt for tests (production default N=32768). */
export const TEST_PASSWORD_COST = { N: 1024, r: 8, p: 1 };

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

export interface TestManager {
  manager: RunningManager;
  ca: CertificateAuthority;
  /** A manager.v2 client over mTLS with a certificate of this role and hostname (same CA unless given). */
  grpcClient(role: ServiceRole, hostname: string, opts?: { ca?: CertificateAuthority }): manager.ManagerClient;
  config: ManagerConfig;
  dataDir: string;
  printed: string[];
  /** Signs in through the API and answers the bearer token. */
  signIn(name: string, password: string): Promise<string>;
  rootToken(): Promise<string>;
  stop(): Promise<void>;
}

export async function startTestManager(
  opts: {
    config?: DeepPartial<ManagerConfig> & Record<string, unknown>;
    initialRootPassword?: string | null;
    signInLimits?: SignInThrottleLimits;
    databaseOptions?: DatabaseOptions;
    passwordCost?: { N: number; r: number; p: number };
    now?: () => number;
    restTlsReloadIntervalMs?: number;
  } = {},
): Promise<TestManager> {
  const dataDir = mkdtempSync(join(tmpdir(), 'd7y-manager-'));
  const raw = opts.config ?? {};
  const config = managerConfigSchema.parse({
    ...raw,
    server: { dataDir, ...(raw.server ?? {}), rest: { addr: '127.0.0.1:0', ...(raw.server?.rest ?? {}) }, grpc: { tlsDir: join(dataDir, 'certs'), ...(raw.server?.grpc ?? {}), listenIP: '127.0.0.1', port: { start: 0, end: 0 } } },
    auth: { jwt: { key: TEST_JWT_KEY, ...(raw.auth?.jwt ?? {}) } },
  });
  const printed: string[] = [];
  const ca = createCa({ commonName: 'manager test CA' });
  const serverCert = issueCertificate(ca, { commonName: 'manager', role: 'manager', usage: 'server', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
  const clients: grpc.Client[] = [];
  const manager = await startManager(config, {
    grpcTls: TlsSource.fromPem({ ca: ca.certPem, cert: serverCert.certPem, key: serverCert.keyPem }),
    logger: createLogger({ level: 'silent' }),
    initialRootPassword: opts.initialRootPassword === null ? undefined : (opts.initialRootPassword ?? ROOT_PASSWORD),
    print: (t) => printed.push(t),
    passwordCost: opts.passwordCost ?? TEST_PASSWORD_COST,
    ...(opts.signInLimits === undefined ? {} : { signInLimits: opts.signInLimits }),
    ...(opts.databaseOptions === undefined ? {} : { databaseOptions: opts.databaseOptions }),
    ...(opts.now === undefined ? {} : { now: opts.now }),
    ...(opts.restTlsReloadIntervalMs === undefined ? {} : { restTlsReloadIntervalMs: opts.restTlsReloadIntervalMs }),
  });
  const signIn = async (name: string, password: string): Promise<string> => {
    const res = await manager.rest.inject({ method: 'POST', url: '/api/v1/users/signin', payload: { name, password } });
    if (res.statusCode !== 200) throw new Error(`sign-in of ${name} failed: ${res.statusCode} ${res.body}`);
    return (res.json() as { token: string }).token;
  };
  const grpcClient = (role: ServiceRole, hostname: string, o: { ca?: CertificateAuthority } = {}): manager.ManagerClient => {
    const issuer = o.ca ?? ca;
    const leaf = issueCertificate(issuer, { commonName: hostname, role, usage: 'client' });
    // A certificate from a foreign CA cannot make a TlsSource (it checks the chain): plain grpc-js credentials then.
    const creds =
      o.ca === undefined
        ? grpcChannelCredentials(TlsSource.fromPem({ ca: ca.certPem, cert: leaf.certPem, key: leaf.keyPem }), { serverName: 'localhost' })
        : grpcCredentials.createSsl(Buffer.from(ca.certPem), Buffer.from(leaf.keyPem), Buffer.from(leaf.certPem));
    const client = createManagerClient(`127.0.0.1:${manager.grpcPort}`, creds, o.ca === undefined ? {} : { 'grpc.ssl_target_name_override': 'localhost' });
    clients.push(client);
    return client;
  };
  return {
    manager,
    ca,
    grpcClient,
    config,
    dataDir,
    printed,
    signIn,
    rootToken: () => signIn('root', ROOT_PASSWORD),
    stop: async () => {
      for (const c of clients) c.close();
      await manager.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

/** An HS-family JWT made independently of the server's library (tests forge tokens with it). */
export function forgeJwt(header: Record<string, unknown>, payload: Record<string, unknown>, key: string, hash: 'sha256' | 'sha384' | 'sha512' | 'none' = 'sha256'): string {
  const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  const body = `${b64(header)}.${b64(payload)}`;
  if (hash === 'none') return `${body}.`;
  return `${body}.${createHmac(hash, key).update(body).digest('base64url')}`;
}
