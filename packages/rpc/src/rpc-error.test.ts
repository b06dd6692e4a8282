import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createSchedulerClient,
  endCallWithError,
  fromServiceError,
  INTERNAL_ERROR_MESSAGE,
  RpcError,
  schedulerServiceDefinition,
  serverOptions,
  statusName,
  StatusDetailsCodec,
  toServiceError,
} from './index.js';
import type { scheduler } from './index.js';
import { insecure, TestServers, unary } from './test-server.fixture.js';

const servers = new TestServers();
afterEach(() => servers.closeAll());

class PeerNotFoundError extends Error {
  readonly grpcCode = grpc.status.NOT_FOUND;
}

function nodeError(): Error {
  const err = new Error("ENOENT: no such file or directory, open '/var/lib/dragonfly/secret'") as NodeJS.ErrnoException;
  err.code = 'ENOENT';
  return err;
}

describe('toServiceError', () => {
  it.each<[string, unknown, grpc.status, string]>([
    ['RpcError', new RpcError(grpc.status.INVALID_ARGUMENT, 'task_id must be 64 hex'), grpc.status.INVALID_ARGUMENT, 'task_id must be 64 hex'],
    ['domain error with numeric grpcCode', new PeerNotFoundError('peer p not found'), grpc.status.NOT_FOUND, 'peer p not found'],
    ['domain error with grpcCode name', Object.assign(new Error('download forbidden'), { grpcCode: 'FAILED_PRECONDITION' }), grpc.status.FAILED_PRECONDITION, 'download forbidden'],
    ['failed downstream gRPC call', Object.assign(new Error('5 NOT_FOUND: x'), { code: 5, details: 'task not found', metadata: new grpc.Metadata() }), grpc.status.NOT_FOUND, 'task not found'],
    ['domain error with numeric .code', Object.assign(new Error('busy'), { code: grpc.status.RESOURCE_EXHAUSTED }), grpc.status.RESOURCE_EXHAUSTED, 'busy'],
    ['node error with string code', nodeError(), grpc.status.INTERNAL, INTERNAL_ERROR_MESSAGE],
    ['TypeError', new TypeError("Cannot read properties of undefined (reading 'id')"), grpc.status.INTERNAL, INTERNAL_ERROR_MESSAGE],
    ['thrown string', 'SELECT * FROM users failed', grpc.status.INTERNAL, INTERNAL_ERROR_MESSAGE],
    ['null', null, grpc.status.INTERNAL, INTERNAL_ERROR_MESSAGE],
    ['grpcCode OK (not an error)', Object.assign(new Error('weird'), { grpcCode: 0 }), grpc.status.INTERNAL, INTERNAL_ERROR_MESSAGE],
    ['grpcCode out of range', Object.assign(new Error('weird'), { grpcCode: 99 }), grpc.status.INTERNAL, INTERNAL_ERROR_MESSAGE],
    ['status name in .code (not trusted)', Object.assign(new Error('x'), { code: 'NOT_FOUND' }), grpc.status.INTERNAL, INTERNAL_ERROR_MESSAGE],
  ])('%s → status', (_name, err, code, details) => {
    const se = toServiceError(err);
    expect(se.code).toBe(code);
    expect(se.details).toBe(details);
    expect(se.metadata).toBeInstanceOf(grpc.Metadata);
  });

  it.each([
    [grpc.status.OK, 'OK'],
    [grpc.status.NOT_FOUND, 'NOT_FOUND'],
    [grpc.status.RESOURCE_EXHAUSTED, 'RESOURCE_EXHAUSTED'],
    [grpc.status.UNAUTHENTICATED, 'UNAUTHENTICATED'],
    [42, 'CODE_42'],
  ])('statusName(%i) = %s', (code, name) => {
    expect(statusName(code)).toBe(name);
  });

  it('refuses to build an RpcError with OK or a non-status code', () => {
    expect(() => new RpcError(grpc.status.OK, 'fine')).toThrow(TypeError);
    expect(() => new RpcError(17 as grpc.status, 'x')).toThrow(TypeError);
  });
});

describe('errors over a real server', () => {
  async function serve(fail: () => unknown): Promise<scheduler.SchedulerClient> {
    const server = new grpc.Server(serverOptions());
    server.addService(schedulerServiceDefinition, {
      StatTask(_call, callback) {
        callback(toServiceError(fail()));
      },
      AnnouncePeer(call) {
        call.on('data', () => endCallWithError(call, fail()));
      },
    } as Partial<scheduler.SchedulerHandlers> as scheduler.SchedulerHandlers);
    const address = await servers.listen(server);
    return servers.client(createSchedulerClient(address, insecure()));
  }

  it('an unknown error reaches the client as INTERNAL without its text or stack', async () => {
    const client = await serve(() => nodeError());
    const err = (await unary((cb) => client.StatTask({ host_id: 'h', task_id: 't' }, cb)).catch((e: unknown) => e)) as grpc.ServiceError;
    expect(err.code).toBe(grpc.status.INTERNAL);
    expect(err.details).toBe(INTERNAL_ERROR_MESSAGE);
    expect(JSON.stringify({ ...err, message: err.message })).not.toMatch(/secret|ENOENT|at .*\.ts/);
  });

  it('a backend error keeps its code, message and typed details (grpc-status-details-bin)', async () => {
    const client = await serve(
      () => new RpcError(grpc.status.INTERNAL, 'origin answered 404', { backend: { message: 'Not Found', header: { 'x-origin': 'nginx' }, status_code: 404 } }),
    );
    const err = await unary((cb) => client.StatTask({ host_id: 'h', task_id: 't' }, cb)).catch((e: unknown) => e);
    const rpc = fromServiceError(err);
    expect(rpc).toBeInstanceOf(RpcError);
    expect(rpc.code).toBe(grpc.status.INTERNAL);
    expect(rpc.message).toBe('origin answered 404');
    expect(rpc.details).toEqual({ backend: { message: 'Not Found', header: { 'x-origin': 'nginx' }, status_code: 404 } });
  });

  it('a stream ended with endCallWithError(call, err) gives the client that status', async () => {
    const client = await serve(() => new RpcError(grpc.status.FAILED_PRECONDITION, 'scheduling exceeded RetryLimit'));
    const stream = client.AnnouncePeer();
    const err = await new Promise<unknown>((resolve) => {
      stream.on('error', resolve);
      stream.on('data', () => undefined);
      stream.write({ host_id: 'h', task_id: 't', peer_id: 'p', download_peer_started_request: {} });
    });
    const rpc = fromServiceError(err);
    expect([statusName(rpc.code), rpc.message]).toEqual(['FAILED_PRECONDITION', 'scheduling exceeded RetryLimit']);
    expect(rpc.details).toBeUndefined();
  });

  it('status details: absent optional fields stay absent, garbage decodes to nothing', () => {
    const codec = new StatusDetailsCodec();
    const bytes = codec.encode(grpc.status.INTERNAL, 'x', { backend: { message: 'm', header: {} }, unknown: { message: 'u' } });
    expect(codec.decode(bytes)).toEqual({ backend: { message: 'm', header: {} }, unknown: { message: 'u' } });
    expect(codec.decode(Buffer.from('not a status'))).toBeUndefined();
    expect(codec.decode(codec.encode(grpc.status.INTERNAL, 'x', {}))).toBeUndefined();
  });

  it('a client-side failure that is not a gRPC status becomes UNKNOWN', () => {
    const rpc = fromServiceError(new Error('socket hang up'));
    expect(rpc.code).toBe(grpc.status.UNKNOWN);
    expect(rpc.message).toBe('socket hang up');
  });
});
