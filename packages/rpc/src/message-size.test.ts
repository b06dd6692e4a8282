import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { createSchedulerClient, MAX_RECEIVE_MESSAGE_BYTES, schedulerServiceDefinition, serverOptions } from './index.js';
import type { scheduler } from './index.js';
import { insecure, TestServers, unary } from './test-server.fixture.js';

const servers = new TestServers();
afterEach(() => servers.closeAll());

describe('max message sizes', () => {
  async function start(
    reply: () => scheduler.ListHostsResponse,
    options: grpc.ServerOptions = serverOptions(),
  ): Promise<{ address: string; received: number[] }> {
    const received: number[] = [];
    const server = new grpc.Server(options);
    server.addService(schedulerServiceDefinition, {
      AnnounceHost(call, callback) {
        received.push(call.request.host?.hostname.length ?? 0);
        callback(null, {});
      },
      ListHosts(_call, callback) {
        callback(null, reply());
      },
    } as Partial<scheduler.SchedulerHandlers> as scheduler.SchedulerHandlers);
    return { address: await servers.listen(server), received };
  }

  const announce = (client: scheduler.SchedulerClient, hostname: string) =>
    unary((cb) => client.AnnounceHost({ host: { id: 'h', hostname } }, cb)).then(
      () => 'OK',
      (err: grpc.ServiceError) => grpc.status[err.code],
    );

  it('the server refuses a request above MAX_RECEIVE_MESSAGE_BYTES with RESOURCE_EXHAUSTED', async () => {
    const { address, received } = await start(() => ({}));
    // This client would send anything; the server's limit is what is tested.
    const client = servers.client(createSchedulerClient(address, insecure(), { 'grpc.max_send_message_length': 64 << 20 }));
    expect(await announce(client, 'x'.repeat(MAX_RECEIVE_MESSAGE_BYTES))).toBe('RESOURCE_EXHAUSTED');
    expect(await announce(client, 'x'.repeat(MAX_RECEIVE_MESSAGE_BYTES - 1024))).toBe('OK');
    expect(received).toEqual([MAX_RECEIVE_MESSAGE_BYTES - 1024]);
  });

  it('a client with channelOptions() refuses to send or receive oversized messages', async () => {
    const big = 'y'.repeat(MAX_RECEIVE_MESSAGE_BYTES);
    // This server would send anything; the client's receive limit is what is tested.
    const { address, received } = await start(
      () => ({ hosts: [{ id: 'h', hostname: big }] }),
      serverOptions({ maxSendMessageBytes: 64 << 20 }),
    );
    const client = servers.client(createSchedulerClient(address, insecure()));
    expect(await announce(client, big)).toBe('RESOURCE_EXHAUSTED');
    expect(received).toEqual([]);
    const list = await unary((cb) => client.ListHosts({}, cb)).then(
      () => 'OK',
      (err: grpc.ServiceError) => grpc.status[err.code],
    );
    expect(list).toBe('RESOURCE_EXHAUSTED');
  });
});
