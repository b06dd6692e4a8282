import { createHash } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { taskId } from '@d7y/core';
import { EgressClient } from '@d7y/egress';
import { dfdaemonUploadServiceDefinition, schedulerServiceDefinition, serverOptions } from '@d7y/rpc';
import type { dfdaemon, scheduler } from '@d7y/rpc';
import { TlsSource, grpcServerCredentials, identityFromGrpcCall, issueCertificate } from '@d7y/tls';
import type { CertificateAuthority } from '@d7y/tls';

// A FAKE seed peer: a real DfdaemonUpload gRPC server over mutual TLS that, instead of downloading
// through P2P, fetches each URL from the source itself (through the guarded egress client), checks
// the digest, and streams DownloadTask progress as the real dfdaemon does. It stands in for the
// dfdaemon so these tests stay on the manager's side of the protocol.

export interface FakeSeedPeerCall {
  url: string;
  digest: string | undefined;
  headers: Record<string, string>;
  certificateChainCount: number;
  callerRole: string | undefined;
  taskId: string;
}

export interface FakeSeedPeer {
  hostname: string;
  port: number;
  calls: FakeSeedPeerCall[];
  /** Tasks held: task ID → URL and size. */
  tasks: Map<string, { url: string; contentLength: number }>;
  stop(): Promise<void>;
}

const PIECE = 16 * 1024;

const derToPem = (der: Buffer): string => `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----\n`;

export async function startFakeSeedPeer(opts: {
  ca: CertificateAuthority;
  hostname: string;
  registryCaPem: string;
  /** Awaited after the first piece of each download is reported (lets a test watch a job mid-way). */
  afterFirstPiece?: () => Promise<void>;
}): Promise<FakeSeedPeer> {
  const leaf = issueCertificate(opts.ca, { commonName: opts.hostname, role: 'dfdaemon', usage: 'dual', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
  const calls: FakeSeedPeerCall[] = [];
  const tasks = new Map<string, { url: string; contentLength: number }>();
  const clients: EgressClient[] = [];

  const handlers: dfdaemon.DfdaemonUploadHandlers = {
    DownloadTask: (call) => {
      void (async () => {
        const role = identityFromGrpcCall(call)?.role;
        const d = call.request.download;
        if (d === null) return call.destroy({ code: grpc.status.INVALID_ARGUMENT, details: 'download is required' } as grpc.ServiceError);
        if (role !== 'manager' && role !== 'scheduler') return call.destroy({ code: grpc.status.PERMISSION_DENIED, details: `role ${role ?? 'none'} may not trigger downloads` } as grpc.ServiceError);
        const id = taskId({ url: d.url, tag: d.tag, application: d.application, pieceLength: d.piece_length, filteredQueryParams: d.filtered_query_params.length === 0 ? undefined : d.filtered_query_params });
        calls.push({ url: d.url, digest: d.digest, headers: { ...d.request_header }, certificateChainCount: d.certificate_chain.length, callerRole: role, taskId: id });
        // Trust what the manager handed over for the source's TLS, else this peer's own configuration.
        const caCert = d.certificate_chain.length > 0 ? d.certificate_chain.map(derToPem).join('') : opts.registryCaPem;
        const client = new EgressClient({ options: { allow: ['127.0.0.1'], tls: { caCert } } });
        clients.push(client);
        try {
          const res = await client.request(d.url, { headers: d.request_header, maxBodyBytes: 64 * 1024 * 1024 });
          if (res.status !== 200) throw new Error(`source answered ${res.status}`);
          const length = Number(res.headers['content-length'] ?? 0);
          call.write({ host_id: opts.hostname, task_id: id, peer_id: `${opts.hostname}-peer`, download_task_started_response: { content_length: length, pieces: [], is_finished: false, response_header: {} } });
          const hash = createHash('sha256');
          let pending = Buffer.alloc(0);
          let number = 0;
          let offset = 0;
          const piece = async (buf: Buffer): Promise<void> => {
            call.write({ host_id: opts.hostname, task_id: id, peer_id: `${opts.hostname}-peer`, download_piece_finished_response: { piece: { number, offset, length: buf.length } } });
            number++;
            offset += buf.length;
            if (number === 1) await opts.afterFirstPiece?.();
          };
          for await (const chunk of res.chunks()) {
            hash.update(chunk);
            pending = Buffer.concat([pending, chunk]);
            while (pending.length >= PIECE) {
              await piece(pending.subarray(0, PIECE));
              pending = pending.subarray(PIECE);
            }
          }
          if (pending.length > 0) await piece(pending);
          const digest = `sha256:${hash.digest('hex')}`;
          if (d.digest !== undefined && d.digest !== digest) throw new Error(`digest mismatch: want ${d.digest}, got ${digest}`);
          tasks.set(id, { url: d.url, contentLength: offset });
          call.end();
        } catch (err) {
          call.destroy({ code: grpc.status.UNAVAILABLE, details: `back-to-source failed: ${(err as Error).message}` } as grpc.ServiceError);
        }
      })();
    },
    StatTask: (call, callback) => {
      const task = tasks.get(call.request.task_id);
      if (task === undefined) return callback({ code: grpc.status.NOT_FOUND, details: 'task not found' } as grpc.ServiceError);
      callback(null, { id: call.request.task_id, url: task.url, state: 'Succeeded', content_length: task.contentLength, piece_count: Math.ceil(task.contentLength / PIECE) });
    },
    DeleteTask: (call, callback) => {
      if (identityFromGrpcCall(call)?.role !== 'manager') return callback({ code: grpc.status.PERMISSION_DENIED, details: 'only the manager deletes' } as grpc.ServiceError);
      if (!tasks.delete(call.request.task_id)) return callback({ code: grpc.status.NOT_FOUND, details: 'task not found' } as grpc.ServiceError);
      callback(null, {});
    },
    StatLocalTask: (_call, callback) => callback({ code: grpc.status.UNIMPLEMENTED } as grpc.ServiceError),
    ListTaskEntries: (_call, callback) => callback({ code: grpc.status.UNIMPLEMENTED } as grpc.ServiceError),
    SyncPieces: (call) => call.destroy({ code: grpc.status.UNIMPLEMENTED } as grpc.ServiceError),
    SyncHost: (call) => call.destroy({ code: grpc.status.UNIMPLEMENTED } as grpc.ServiceError),
  };

  const server = new grpc.Server(serverOptions());
  server.addService(dfdaemonUploadServiceDefinition, handlers);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpcServerCredentials(TlsSource.fromPem({ ca: opts.ca.certPem, cert: leaf.certPem, key: leaf.keyPem })), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return {
    hostname: opts.hostname,
    port,
    calls,
    tasks,
    stop: async () => {
      await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
      await Promise.all(clients.map((c) => c.close()));
    },
  };
}

/** A FAKE scheduler answering only ListHosts (mTLS, callers with role manager), for the all_peers scope. */
export async function startFakeScheduler(opts: { ca: CertificateAuthority; hosts: { hostname: string; ip: string; port: number; type?: number }[] }): Promise<{ port: number; callers: string[]; stop(): Promise<void> }> {
  const leaf = issueCertificate(opts.ca, { commonName: 'scheduler-1', role: 'scheduler', usage: 'dual', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
  const callers: string[] = [];
  const unimplemented = (_call: unknown, callback: grpc.sendUnaryData<never>) => callback({ code: grpc.status.UNIMPLEMENTED } as grpc.ServiceError, null);
  const handlers = {
    ListHosts: (call: grpc.ServerUnaryCall<scheduler.ListHostsRequest__Output, scheduler.ListHostsResponse>, callback: grpc.sendUnaryData<scheduler.ListHostsResponse>) => {
      const role = identityFromGrpcCall(call)?.role ?? 'none';
      callers.push(role);
      if (role !== 'manager') return callback({ code: grpc.status.PERMISSION_DENIED, details: 'manager only' } as grpc.ServiceError, null);
      callback(null, { hosts: opts.hosts.map((h) => ({ id: `${h.hostname}-id`, hostname: h.hostname, ip: h.ip, port: h.port, type: h.type ?? 0 })) });
    },
  };
  const server = new grpc.Server(serverOptions());
  const all: grpc.UntypedServiceImplementation = {};
  for (const name of Object.keys(schedulerServiceDefinition)) all[name] = unimplemented as grpc.UntypedHandleCall;
  server.addService(schedulerServiceDefinition, { ...all, ...handlers } as grpc.UntypedServiceImplementation);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpcServerCredentials(TlsSource.fromPem({ ca: opts.ca.certPem, cert: leaf.certPem, key: leaf.keyPem })), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return { port, callers, stop: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())) };
}
