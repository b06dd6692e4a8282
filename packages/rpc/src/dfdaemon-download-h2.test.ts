import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Http2Server, type ServerHttp2Stream } from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { DfdaemonDownloadH2Client, GrpcCallError, GrpcStatus, percentDecode, type DownloadTaskResponseFields } from './dfdaemon-download-h2.js';
import { createDfdaemonDownloadClient } from './dfdaemon-download.js';
import type { DfdaemonDownloadHandlers } from './generated/dfdaemon/v2/DfdaemonDownload.js';
import type { DownloadTaskRequest__Output } from './generated/dfdaemon/v2/DownloadTaskRequest.js';
import type { DownloadTaskResponse } from './generated/dfdaemon/v2/DownloadTaskResponse.js';
import { endCallWithError, RpcError } from './rpc-error.js';
import { serverOptions } from './grpc-options.js';
import { dfdaemonDownloadServiceDefinition } from './service-definitions.js';
import { insecure, TestServers } from './test-server.fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'd7y-h2-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const servers = new TestServers();
const clients: DfdaemonDownloadH2Client[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
  servers.closeAll();
});
let n = 0;

type Handler = DfdaemonDownloadHandlers['DownloadTask'];

/** A grpc-js server with the daemon's service definition on a fresh unix socket. */
async function serve(handler: Handler): Promise<string> {
  const server = new grpc.Server(serverOptions());
  server.addService(dfdaemonDownloadServiceDefinition, { DownloadTask: handler } as DfdaemonDownloadHandlers);
  const socket = join(dir, `s${n++}.sock`);
  await servers.listen(server, `unix://${socket}`);
  return socket;
}

function h2(socket: string): DfdaemonDownloadH2Client {
  const c = new DfdaemonDownloadH2Client(socket);
  clients.push(c);
  return c;
}

/** What the grpc-js client sees for the same call: code and status message. */
function viaGrpcJs(socket: string): Promise<{ code: number; details: string }> {
  const client = servers.client(createDfdaemonDownloadClient(`unix://${socket}`, insecure()));
  return new Promise((resolve) => {
    const call = client.DownloadTask({ download: { url: 'http://o/f' } });
    call.on('data', () => undefined);
    call.on('status', (s: grpc.StatusObject) => resolve({ code: s.code, details: s.details }));
    call.on('error', () => undefined);
  });
}

async function failure(p: Promise<unknown>): Promise<GrpcCallError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GrpcCallError);
  return err as GrpcCallError;
}

const STARTED: DownloadTaskResponse = {
  host_id: 'h',
  task_id: 't',
  peer_id: 'p',
  download_task_started_response: { content_length: 9 * 1024 * 1024, response_header: { etag: 'x' }, is_finished: false },
};
const piece = (number: number, traffic_type: 'BACK_TO_SOURCE' | 'REMOTE_PEER'): DownloadTaskResponse => ({
  host_id: 'h',
  task_id: 't',
  peer_id: 'p',
  download_piece_finished_response: { piece: { number, offset: number * 4, length: 4, digest: 'sha256:00', traffic_type } },
});

describe('DfdaemonDownloadH2Client against the grpc-js server', () => {
  it('sends the request, metadata and deadline, and gets every response until the OK status', async () => {
    let seen: { request: DownloadTaskRequest__Output; traceparent: unknown; deadlineMs: number } | undefined;
    const socket = await serve((call) => {
      const deadline = call.getDeadline();
      seen = { request: call.request, traceparent: call.metadata.get('traceparent')[0], deadlineMs: Number(deadline) - Date.now() };
      call.write(STARTED);
      // Many small messages in one go: they share DATA frames.
      for (let i = 0; i < 500; i++) call.write(piece(i, i % 2 === 0 ? 'BACK_TO_SOURCE' : 'REMOTE_PEER'));
      call.end();
    });
    const got: DownloadTaskResponseFields[] = [];
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    await h2(socket).downloadTask(
      { download: { url: 'http://o/f', output_path: '/o', priority: 'LEVEL3', request_header: { a: 'b' }, timeout: { seconds: 60 } } },
      { onResponse: (r) => got.push(r), deadline: Date.now() + 60_000, metadata: { traceparent } },
    );
    expect(got).toHaveLength(501);
    expect(got[0]?.download_task_started_response).toEqual({ content_length: 9 * 1024 * 1024, is_finished: false });
    expect(got[500]?.download_piece_finished_response?.piece).toEqual({ number: 499, offset: 1996, length: 4, traffic_type: 'REMOTE_PEER' });
    expect(seen?.request.download).toMatchObject({ url: 'http://o/f', output_path: '/o', priority: 'LEVEL3', request_header: { a: 'b' }, timeout: { seconds: 60, nanos: 0 } });
    expect(seen?.traceparent).toBe(traceparent);
    expect(seen?.deadlineMs).toBeGreaterThan(50_000);
    expect(seen?.deadlineMs).toBeLessThanOrEqual(60_000);
  });

  it.each([
    ['after some responses', true],
    ['before any (trailers-only)', false],
  ])('reports an error status %s with the same code and message as grpc-js', async (_name, writeFirst) => {
    // Non-ASCII, percent signs and separators: grpc-message is percent-encoded on the wire.
    const message = 'DF_ERR_SOURCE_STATUS: GET http://o/f?a=1&b=%41 answered 404 — “nicht gefunden” ✗';
    const socket = await serve((call) => {
      if (writeFirst) call.write(STARTED);
      endCallWithError(call, new RpcError(grpc.status.FAILED_PRECONDITION, message));
    });
    const got: DownloadTaskResponseFields[] = [];
    const err = await failure(h2(socket).downloadTask({ download: { url: 'http://o/f' } }, { onResponse: (r) => got.push(r) }));
    expect(got).toHaveLength(writeFirst ? 1 : 0);
    expect({ code: err.code, details: err.details }).toEqual({ code: GrpcStatus.FAILED_PRECONDITION, details: message });
    expect({ code: err.code, details: err.details }).toEqual(await viaGrpcJs(socket));
    expect(err.message).toBe(`9 FAILED_PRECONDITION: ${message}`);
  });

  it('fails with DEADLINE_EXCEEDED when the daemon does not finish in time', async () => {
    const socket = await serve((call) => call.write(STARTED));
    const t0 = Date.now();
    const err = await failure(h2(socket).downloadTask({ download: { url: 'http://o/f' } }, { onResponse: () => undefined, deadline: Date.now() + 200 }));
    expect(err.code).toBe(GrpcStatus.DEADLINE_EXCEEDED);
    expect(Date.now() - t0).toBeLessThan(5_000);
  });

  it('fails with UNAVAILABLE when nothing listens on the socket', async () => {
    const err = await failure(h2(join(dir, 'nobody.sock')).downloadTask({ download: { url: 'http://o/f' } }, { onResponse: () => undefined }));
    expect(err.code).toBe(GrpcStatus.UNAVAILABLE);
    expect(err.details).toMatch(/No connection established.*ENOENT/);
  });

  it('ends the call with RESOURCE_EXHAUSTED on a response larger than the limit', async () => {
    const socket = await serve((call) => {
      call.write({ ...STARTED, task_id: 'x'.repeat(2000) });
      call.end();
    });
    const err = await failure(h2(socket).downloadTask({ download: { url: 'http://o/f' } }, { onResponse: () => undefined, maxReceiveMessageBytes: 1000 }));
    expect(err.code).toBe(GrpcStatus.RESOURCE_EXHAUSTED);
    expect(err.details).toMatch(/larger than max \(\d+ vs 1000\)/);
  });

  it('refuses metadata that would change the call', async () => {
    const c = h2(join(dir, 'unused.sock'));
    for (const name of ['grpc-timeout', 'content-type', ':path', 'te', 'Upper', 'x-bin']) {
      expect(() => c.downloadTask({ download: { url: 'u' } }, { onResponse: () => undefined, metadata: { [name]: 'v' } })).toThrow(TypeError);
    }
    expect(() => c.downloadTask({ download: { url: 'u' } }, { onResponse: () => undefined, metadata: { a: 'line\nbreak' } })).toThrow(TypeError);
  });
});

describe('DfdaemonDownloadH2Client against answers grpc-js would not send', () => {
  const raw: Http2Server[] = [];
  afterEach(() => {
    for (const s of raw.splice(0)) s.close();
  });

  /** A bare HTTP/2 server on a unix socket that answers every stream with `answer`. */
  async function serveRaw(answer: (stream: ServerHttp2Stream) => void): Promise<string> {
    const server = createServer();
    server.on('stream', (stream) => {
      stream.on('error', () => undefined);
      stream.resume();
      answer(stream);
    });
    const socket = join(dir, `raw${n++}.sock`);
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    raw.push(server);
    return socket;
  }
  /** A gRPC message frame (bodies here are under 256 bytes). */
  const framed = (message: Buffer, compressed = 0): Buffer => Buffer.concat([Buffer.from([compressed, 0, 0, 0, message.length]), message]);
  const grpcHeaders = { ':status': 200, 'content-type': 'application/grpc' };
  const call = (socket: string, onResponse: (r: DownloadTaskResponseFields) => void = () => undefined): Promise<void> =>
    h2(socket).downloadTask({ download: { url: 'http://o/f' } }, { onResponse });

  it.each([
    ['a message that is not a DownloadTaskResponse', framed(Buffer.from([(1 << 3) | 2, 9, 0x61])), GrpcStatus.INTERNAL, /cannot decode a DownloadTaskResponse: truncated message/],
    ['a compressed message', framed(Buffer.from([(1 << 3) | 2, 1, 0x61]), 1), GrpcStatus.INTERNAL, /compressed/],
    ['an OK status in the middle of a message', framed(Buffer.from([(1 << 3) | 2, 1, 0x61])).subarray(0, 6), GrpcStatus.INTERNAL, /ended inside a message/],
  ])('fails on %s', async (_name, body, code, details) => {
    const socket = await serveRaw((stream) => {
      stream.respond(grpcHeaders, { waitForTrailers: true });
      stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
      stream.end(body);
    });
    const err = await failure(call(socket));
    expect(err.code).toBe(code);
    expect(err.details).toMatch(details);
  });

  it('maps an HTTP error without a gRPC status, and a reset stream', async () => {
    const unavailable = await serveRaw((stream) => {
      stream.respond({ ':status': 503 });
      stream.end();
    });
    expect(await failure(call(unavailable))).toMatchObject({ code: GrpcStatus.UNAVAILABLE, details: 'Received HTTP status code 503' });
    const reset = await serveRaw((stream) => stream.close(0x2));
    expect(await failure(call(reset))).toMatchObject({ code: GrpcStatus.INTERNAL, details: 'Received RST_STREAM with code 2' });
  });

  it('cancels the call and rejects with what onResponse threw', async () => {
    let cancelled = false;
    const socket = await serveRaw((stream) => {
      stream.on('close', () => (cancelled = stream.rstCode === 0x8));
      stream.respond(grpcHeaders);
      stream.write(framed(Buffer.from([(1 << 3) | 2, 1, 0x68])));
    });
    const thrown = new Error('progress failed');
    await expect(
      call(socket, () => {
        throw thrown;
      }),
    ).rejects.toBe(thrown);
    await vi.waitFor(() => expect(cancelled).toBe(true));
  });
});

describe('percentDecode (grpc-message)', () => {
  it.each([
    ['plain', 'plain'],
    ['a%20b%25c', 'a b%c'],
    ['%E2%80%94', '—'],
    ['100%', '100%'],
    ['%zz and %4', '%zz and %4'],
    ['ü stays ü', 'ü stays ü'],
  ])('%s -> %s', (input, output) => {
    expect(percentDecode(input)).toBe(output);
  });
});
