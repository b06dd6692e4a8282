import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { DirectBidiCall, allocMessage, serveBidiDirectly } from './direct-bidi-call.js';
import { RpcError, fromServiceError } from './rpc-error.js';
import { TestServers, insecure } from './test-server.fixture.js';

// A byte-level test service: requests and responses are raw bytes (no protobuf needed here).
const ECHO = '/test.Echo/Chat';
const GRPC_ONLY = '/test.Echo/Other';
const raw = { requestSerialize: (b: Buffer) => b, requestDeserialize: (b: Buffer) => b, responseSerialize: (b: Buffer) => b, responseDeserialize: (b: Buffer) => b };
const definition = {
  Chat: { path: ECHO, requestStream: true, responseStream: true, ...raw },
  Other: { path: GRPC_ONLY, requestStream: true, responseStream: true, ...raw },
} as unknown as grpc.ServiceDefinition;

const MAX = 64 * 1024;

interface Served {
  address: string;
  /** Calls the direct path took, with the status each ended with. */
  direct: Array<{ call: DirectBidiCall<Buffer, Buffer>; statuses: number[]; closed: boolean; listeners: unknown[] }>;
  grpcCalls: number;
}

const servers = new TestServers();
afterEach(() => servers.closeAll());

/**
 * Both paths run the same behaviour: each message is answered with "echo:" + message, except
 * "fail" (RpcError NOT_FOUND with details) and "fail-first" before any answer; a half-close ends OK
 * unless "hold" was received (a client cancelling sends END_STREAM just before RST_STREAM).
 */
async function serve(): Promise<Served> {
  const server = new grpc.Server({ 'grpc.max_receive_message_length': MAX });
  const served: Served = { address: '', direct: [], grpcCalls: 0 };
  const grpcHandler = (call: grpc.ServerDuplexStream<Buffer, Buffer>): void => {
    served.grpcCalls += 1;
    call.on('data', (m: Buffer) => call.write(Buffer.concat([Buffer.from('grpc-js:'), m])));
    call.on('end', () => call.end());
  };
  server.addService(definition, { Chat: grpcHandler, Other: grpcHandler });
  served.address = await servers.listen(server);
  const hooked = serveBidiDirectly(server, ECHO, (stream) => {
    const call = new DirectBidiCall<Buffer, Buffer>(stream, {
      deserialize: (b) => {
        if (b.toString() === 'garbage') throw new Error('not a message');
        return Buffer.from(b);
      },
      serialize: (b) => b,
      maxReceiveMessageBytes: MAX,
    });
    const entry = { call, statuses: [] as number[], closed: false, listeners: ['data', 'end', 'close', 'wantTrailers', 'error'].flatMap((e) => stream.listeners(e)) };
    served.direct.push(entry);
    let hold = false;
    call.handler = {
      onStatus: (code) => entry.statuses.push(code),
      onClose: () => (entry.closed = true),
      onMessage: (m: Buffer) => {
        const text = m.toString();
        if (text === 'hold') hold = true;
        if (text === 'fail' || text === 'fail-first') {
          call.fail(new RpcError(grpc.status.NOT_FOUND, 'no such thing: 100% gone', { unknown: { message: 'detail survives' } }));
          return;
        }
        if (text === 'two') {
          // Two made before either is written: the older one must be copied, not framed in place.
          const first = allocMessage(5);
          const second = allocMessage(6);
          first.write('echo1');
          second.write('echo22');
          call.write(first);
          call.write(second);
          return;
        }
        if (text.startsWith('in-place:')) {
          // Encoded into a buffer with headroom for the frame prefix, as the scheduler's responses are.
          const reply = allocMessage(m.length + 5);
          reply.write('echo:');
          m.copy(reply, 5);
          call.write(reply);
          return;
        }
        call.write(Buffer.concat([Buffer.from('echo:'), m]));
      },
      onHalfClose: () => {
        if (!hold) call.end();
      },
    };
  });
  expect(hooked).toBe(true);
  return served;
}

/** Opens a call, writes `messages`, half-closes unless `keepOpen`, and collects what comes back. */
function chat(address: string, path: string, messages: Buffer[], options: { keepOpen?: boolean; deadline?: number } = {}) {
  const client = servers.client(new grpc.Client(address, insecure()));
  const call = client.makeBidiStreamRequest(path, (b: Buffer) => b, (b: Buffer) => b, new grpc.Metadata(), options.deadline ? { deadline: options.deadline } : {});
  const received: string[] = [];
  const done = new Promise<{ status: grpc.StatusObject | undefined; error: grpc.ServiceError | undefined }>((resolve) => {
    let error: grpc.ServiceError | undefined;
    call.on('data', (b: Buffer) => received.push(b.toString()));
    call.on('error', (err: grpc.ServiceError) => (error = err));
    call.on('status', (status: grpc.StatusObject) => resolve({ status, error }));
  });
  for (const m of messages) call.write(m);
  if (!options.keepOpen) call.end();
  return { call, received, done };
}

describe('DirectBidiCall over a real HTTP/2 connection', () => {
  it('answers each message, in order, across chunk boundaries, and ends with OK', async () => {
    const served = await serve();
    const big = Buffer.alloc(MAX - 10, 7); // several DATA frames
    const { received, done } = chat(served.address, ECHO, [Buffer.from('a'), Buffer.from('bc'), big, Buffer.from('')]);
    const { status, error } = await done;
    expect(error).toBeUndefined();
    expect(status?.code).toBe(grpc.status.OK);
    expect(received.slice(0, 2)).toEqual(['echo:a', 'echo:bc']);
    expect(received[2]).toHaveLength(5 + big.length);
    expect(received[3]).toBe('echo:');
    expect(served.direct).toHaveLength(1);
    expect(served.direct[0]?.statuses).toEqual([grpc.status.OK]);
    expect(served.grpcCalls).toBe(0);
  });

  it('makes no listener closures per call: every stream shares the same functions', async () => {
    const served = await serve();
    const calls = [chat(served.address, ECHO, [Buffer.from('1')]), chat(served.address, ECHO, [Buffer.from('2')])];
    for (const call of calls) expect((await call.done).status?.code).toBe(grpc.status.OK);
    const [first, second] = served.direct;
    expect(first?.listeners).toHaveLength(5);
    expect(second?.listeners).toEqual(first?.listeners);
  });

  it('frames messages made by allocMessage in place, byte for byte', async () => {
    const served = await serve();
    const big = Buffer.concat([Buffer.from('in-place:'), Buffer.alloc(MAX - 40, 9)]);
    const { received, done } = chat(served.address, ECHO, [Buffer.from('in-place:a'), big, Buffer.from('b')]);
    expect((await done).status?.code).toBe(grpc.status.OK);
    expect(received[0]).toBe('echo:in-place:a');
    expect(received[1]).toBe(`echo:${big.toString()}`);
    expect(received[2]).toBe('echo:b');
    const two = chat(served.address, ECHO, [Buffer.from('two')]);
    expect((await two.done).status?.code).toBe(grpc.status.OK);
    expect(two.received).toEqual(['echo1', 'echo22']);
  });

  it('leaves other methods, and calls with a deadline, to grpc-js', async () => {
    const served = await serve();
    const other = chat(served.address, GRPC_ONLY, [Buffer.from('x')]);
    expect((await other.done).status?.code).toBe(grpc.status.OK);
    expect(other.received).toEqual(['grpc-js:x']);
    const timed = chat(served.address, ECHO, [Buffer.from('y')], { deadline: Date.now() + 10_000 });
    expect((await timed.done).status?.code).toBe(grpc.status.OK);
    expect(timed.received).toEqual(['grpc-js:y']);
    expect(served.direct).toHaveLength(0);
    expect(served.grpcCalls).toBe(2);
  });

  it('sends a failure after answers in trailers, with its message and status details', async () => {
    const served = await serve();
    const { received, done } = chat(served.address, ECHO, [Buffer.from('ok'), Buffer.from('fail'), Buffer.from('ignored')], { keepOpen: true });
    const { error } = await done;
    expect(received).toEqual(['echo:ok']);
    const rpc = fromServiceError(error);
    expect(rpc.code).toBe(grpc.status.NOT_FOUND);
    expect(rpc.message).toBe('no such thing: 100% gone');
    expect(rpc.details).toEqual({ unknown: { message: 'detail survives' } });
    expect(served.direct[0]?.statuses).toEqual([grpc.status.NOT_FOUND]);
  });

  it('sends a failure before any answer as trailers-only', async () => {
    const served = await serve();
    const { received, done } = chat(served.address, ECHO, [Buffer.from('fail-first')], { keepOpen: true });
    const { error } = await done;
    expect(received).toEqual([]);
    expect(error?.code).toBe(grpc.status.NOT_FOUND);
    expect(error?.details).toBe('no such thing: 100% gone');
  });

  it('refuses a message over the size limit with RESOURCE_EXHAUSTED, as grpc-js does', async () => {
    const served = await serve();
    const { done } = chat(served.address, ECHO, [Buffer.alloc(MAX + 1)], { keepOpen: true });
    const { error } = await done;
    expect(error?.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(error?.details).toBe(`Received message larger than max (${MAX + 1} vs. ${MAX})`);
  });

  it('ends a call whose message cannot be decoded with INTERNAL', async () => {
    const served = await serve();
    const { done } = chat(served.address, ECHO, [Buffer.from('garbage')], { keepOpen: true });
    const { error } = await done;
    expect(error?.code).toBe(grpc.status.INTERNAL);
    expect(error?.details).toMatch(/^Error deserializing request: not a message/);
  });

  it('reports a call the client cancels as CANCELLED and closed', async () => {
    const served = await serve();
    const { call, received } = chat(served.address, ECHO, [Buffer.from('hold')], { keepOpen: true });
    await expect.poll(() => received).toEqual(['echo:hold']);
    call.cancel();
    await expect.poll(() => served.direct[0]?.closed).toBe(true);
    expect(served.direct[0]?.statuses).toEqual([grpc.status.CANCELLED]);
    // Nothing is sent once the call is over.
    expect(served.direct[0]?.call.write(Buffer.from('late'))).toBe(false);
  });
});
