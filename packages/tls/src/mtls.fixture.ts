// Test fixtures: a tiny gRPC service (no .proto: JSON bodies through makeGenericClientConstructor),
// an https server, and a set of certificates from in-memory CAs.
import * as grpc from '@grpc/grpc-js';
import { once } from 'node:events';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { createCa, type CertificateAuthority } from './create-ca.js';
import { issueCertificate, type IssuedCertificate } from './issue-certificate.js';
import { grpcServerCredentials } from './grpc-credentials.js';
import { followReloads, httpsServerOptions } from './https-options.js';
import { identityFromGrpcCall, identityFromSocket, type PeerIdentity } from './peer-identity.js';
import type { TlsSource } from './tls-source.js';
import type { TlsLogger } from './tls-logger.js';
import type { TLSSocket } from 'node:tls';

const json = {
  serialize: (value: unknown): Buffer => Buffer.from(JSON.stringify(value)),
  deserialize: (bytes: Buffer): unknown => JSON.parse(bytes.toString('utf8')),
};

export const echoService = {
  whoAmI: {
    path: '/test.Echo/WhoAmI',
    requestStream: false,
    responseStream: false,
    requestSerialize: json.serialize,
    requestDeserialize: json.deserialize,
    responseSerialize: json.serialize,
    responseDeserialize: json.deserialize,
  },
  watch: {
    path: '/test.Echo/Watch',
    requestStream: false,
    responseStream: true,
    requestSerialize: json.serialize,
    requestDeserialize: json.deserialize,
    responseSerialize: json.serialize,
    responseDeserialize: json.deserialize,
  },
} satisfies grpc.ServiceDefinition;

export const EchoClient = grpc.makeGenericClientConstructor(echoService, 'Echo');
export type EchoClientInstance = InstanceType<typeof EchoClient>;

export interface WhoAmIReply {
  identity: PeerIdentity | null;
}

export function whoAmI(client: EchoClientInstance, timeoutMs = 5000): Promise<WhoAmIReply> {
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest<object, WhoAmIReply>(
      echoService.whoAmI.path,
      json.serialize,
      json.deserialize as (bytes: Buffer) => WhoAmIReply,
      {},
      { deadline: Date.now() + timeoutMs },
      (err, reply) => (err ? reject(err) : resolve(reply!)),
    );
  });
}

export interface EchoServer {
  port: number;
  /** Sends a message on every open Watch stream. */
  push(message: unknown): void;
  openStreams(): number;
  stop(): Promise<void>;
}

export async function startEchoServer(src: TlsSource): Promise<EchoServer> {
  const server = new grpc.Server();
  const streams = new Set<grpc.ServerWritableStream<unknown, unknown>>();
  server.addService(echoService, {
    whoAmI: (call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<WhoAmIReply>) => {
      callback(null, { identity: identityFromGrpcCall(call) ?? null });
    },
    watch: (call: grpc.ServerWritableStream<unknown, unknown>) => {
      streams.add(call);
      call.on('cancelled', () => streams.delete(call));
      call.on('close', () => streams.delete(call));
      call.write({ hello: true });
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpcServerCredentials(src), (err, boundPort) => (err ? reject(err) : resolve(boundPort))),
  );
  return {
    port,
    push: (message) => {
      for (const stream of streams) stream.write(message);
    },
    openStreams: () => streams.size,
    stop: async () => {
      for (const stream of streams) stream.end();
      server.forceShutdown();
    },
  };
}

export interface HttpsEchoServer {
  port: number;
  server: https.Server;
  /** Handshake failures the server saw, newest last. */
  clientErrors: NodeJS.ErrnoException[];
  stop(): Promise<void>;
}

/** Replies with the caller's identity as JSON. */
export async function startHttpsServer(src: TlsSource): Promise<HttpsEchoServer> {
  const server = https.createServer(httpsServerOptions(src), (req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ identity: identityFromSocket(req.socket as TLSSocket) ?? null }));
  });
  const unfollow = followReloads(server, src);
  const clientErrors: NodeJS.ErrnoException[] = [];
  server.on('tlsClientError', (err: NodeJS.ErrnoException) => clientErrors.push(err));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    server,
    clientErrors,
    stop: async () => {
      unfollow();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export function httpsGet(port: number, options: https.RequestOptions): Promise<{ status: number; body: string; peerSerial: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', port, path: '/', agent: false, ...options }, (res) => {
      const serial = (res.socket as TLSSocket).getPeerCertificate().serialNumber;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, peerSerial: serial }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

export interface Pki {
  ca: CertificateAuthority;
  otherCa: CertificateAuthority;
  server: IssuedCertificate;
  client: IssuedCertificate;
  serverOnly: IssuedCertificate;
  expired: IssuedCertificate;
  notYetValid: IssuedCertificate;
  otherCaClient: IssuedCertificate;
}

const HOUR_MS = 3_600_000;

export function makePki(): Pki {
  const ca = createCa({ commonName: 'Test CA' });
  const otherCa = createCa({ commonName: 'Other CA' });
  const hosts = { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1', '::1'] };
  const now = Date.now();
  return {
    ca,
    otherCa,
    server: issueCertificate(ca, { commonName: 'scheduler-1', role: 'scheduler', usage: 'dual', ...hosts }),
    client: issueCertificate(ca, { commonName: 'peer-1', role: 'dfdaemon', usage: 'client', ...hosts }),
    serverOnly: issueCertificate(ca, { commonName: 'manager-1', role: 'manager', usage: 'server', ...hosts }),
    expired: issueCertificate(ca, {
      commonName: 'peer-old',
      role: 'dfdaemon',
      usage: 'client',
      notBefore: new Date(now - 48 * HOUR_MS),
      notAfter: new Date(now - 24 * HOUR_MS),
    }),
    notYetValid: issueCertificate(ca, {
      commonName: 'peer-future',
      role: 'dfdaemon',
      usage: 'client',
      notBefore: new Date(now + 24 * HOUR_MS),
      validityDays: 2,
    }),
    otherCaClient: issueCertificate(otherCa, { commonName: 'intruder', role: 'dfdaemon', usage: 'client', ...hosts }),
  };
}

export interface CapturedLog {
  level: 'info' | 'warn' | 'error';
  obj: object;
  msg: string | undefined;
}

export function captureLogger(): TlsLogger & { lines: CapturedLog[] } {
  const lines: CapturedLog[] = [];
  return {
    lines,
    info: (obj, msg) => lines.push({ level: 'info', obj, msg }),
    warn: (obj, msg) => lines.push({ level: 'warn', obj, msg }),
    error: (obj, msg) => lines.push({ level: 'error', obj, msg }),
  };
}

/** Resolve once check() is true, polling every 20 ms (never a fixed sleep). */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
