import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import {
  clientKeyFromPeer,
  createSchedulerClient,
  RATE_LIMITED_MESSAGE,
  RpcError,
  requestRateLimiter,
  schedulerServiceDefinition,
  serverOptions,
} from './index.js';
import type { common, scheduler } from './index.js';
import { insecure, TestServers, unary } from './test-server.fixture.js';

const servers = new TestServers();
afterEach(() => servers.closeAll());

describe('requestRateLimiter', () => {
  it('refuses calls over the limit at once with RESOURCE_EXHAUSTED, before the handler runs', async () => {
    let t = 0;
    const limiter = requestRateLimiter({ global: { rps: 1, burst: 3 }, now: () => t });
    let handled = 0;
    const server = new grpc.Server(serverOptions({ interceptors: [limiter.interceptor] }));
    server.addService(schedulerServiceDefinition, {
      StatTask(call, callback) {
        handled++;
        callback(null, { id: call.request.task_id });
      },
    } as Partial<scheduler.SchedulerHandlers> as scheduler.SchedulerHandlers);
    const client = servers.client(createSchedulerClient(await servers.listen(server), insecure()));
    // A queued (waiting) call would run into this deadline instead of being refused.
    const stat = () =>
      unary<common.Task__Output>((cb) => client.StatTask({ host_id: 'h', task_id: 't' }, { deadline: Date.now() + 5_000 }, cb)).then(
        () => 'OK',
        (err: grpc.ServiceError) => `${grpc.status[err.code]}: ${err.details}`,
      );

    expect([await stat(), await stat(), await stat()]).toEqual(['OK', 'OK', 'OK']);
    expect(await stat()).toBe(`RESOURCE_EXHAUSTED: ${RATE_LIMITED_MESSAGE}`);
    expect(handled).toBe(3);
    t += 1_000; // one more token after a second
    expect(await stat()).toBe('OK');
    expect(await stat()).toBe(`RESOURCE_EXHAUSTED: ${RATE_LIMITED_MESSAGE}`);
    expect(handled).toBe(4);
  });

  it('limits each client IP on its own, without spending global tokens on refused clients', () => {
    const t = 0;
    const limiter = requestRateLimiter({ global: { rps: 1, burst: 5 }, perClient: { rps: 1, burst: 2 }, now: () => t });
    expect([1, 2, 3].map(() => limiter.tryAcquire('10.0.0.1'))).toEqual([true, true, false]);
    expect([1, 2].map(() => limiter.tryAcquire('10.0.0.1'))).toEqual([false, false]);
    // 2 global tokens used so far: another client gets its 2, then the global bucket has 1 left.
    expect([1, 2, 3].map(() => limiter.tryAcquire('10.0.0.2'))).toEqual([true, true, false]);
    expect(limiter.tryAcquire('10.0.0.3')).toBe(true);
    expect(limiter.tryAcquire('10.0.0.4')).toBe(false); // global exhausted
  });

  it('forgets the least recently used client beyond maxClients', () => {
    const limiter = requestRateLimiter({ perClient: { rps: 1, burst: 1 }, maxClients: 2, now: () => 0 });
    expect(limiter.tryAcquire('a')).toBe(true);
    expect(limiter.tryAcquire('b')).toBe(true);
    expect(limiter.tryAcquire('a')).toBe(false); // a is now the most recent
    expect(limiter.tryAcquire('c')).toBe(true); // evicts b
    expect(limiter.tryAcquire('a')).toBe(false);
    expect(limiter.tryAcquire('b')).toBe(true); // fresh bucket
  });

  it('check(call) throws an RpcError for use inside handlers', () => {
    const limiter = requestRateLimiter({ perClient: { rps: 1, burst: 1 }, now: () => 0 });
    const call = { getPeer: () => '192.0.2.7:40000' };
    limiter.check(call);
    const err = (() => {
      try {
        limiter.check(call);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(RpcError);
    expect((err as RpcError).code).toBe(grpc.status.RESOURCE_EXHAUSTED);
  });

  it.each([
    ['127.0.0.1:5000', '127.0.0.1'],
    ['[::1]:5000', '::1'],
    ['[::ffff:10.1.2.3]:443', '10.1.2.3'],
    ['[FE80::1]:1', 'fe80::1'],
    ['10.0.0.9', '10.0.0.9'],
    ['/var/run/dragonfly/dfdaemon.sock', 'unix'],
    ['unknown', 'unix'],
  ])('client key of peer %s is %s', (peer, key) => {
    expect(clientKeyFromPeer(peer)).toBe(key);
  });

  it.each([
    [{ global: { rps: 0, burst: 1 } }, /global.rps/],
    [{ perClient: { rps: 1, burst: 0 } }, /perClient.burst/],
    [{ perClient: { rps: Number.NaN, burst: 1 } }, /perClient.rps/],
    [{ maxClients: 0 }, /maxClients/],
  ])('rejects invalid options %j', (options, message) => {
    expect(() => requestRateLimiter(options)).toThrow(message);
  });
});
