import * as grpc from '@grpc/grpc-js';
import { createSchedulerClient } from '@d7y/rpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pki, SimDaemon, download, startScheduler, statusOf, type RunningScheduler } from './harness.js';

const pki = new Pki();
let scheduler: RunningScheduler;
let honest: SimDaemon;
const daemons: SimDaemon[] = [];

function daemon(opts: ConstructorParameters<typeof SimDaemon>[2]): SimDaemon {
  const d = new SimDaemon(pki, scheduler.address, opts);
  daemons.push(d);
  return d;
}

beforeAll(async () => {
  scheduler = await startScheduler(pki, {
    limits: { hostsPerIdentity: 4, peersPerIdentity: 30, requestRateLimitPerIdentity: 300, requestBurstPerIdentity: 300, maxMessageSize: '64KiB' },
  });
  honest = daemon({ hostname: 'honest' });
  await honest.announceHost();
});

afterAll(async () => {
  for (const d of daemons) d.close();
  await scheduler.stop();
});

describe('refused with the right status, the scheduler stays up', () => {
  it('refuses malformed or mismatched IDs with INVALID_ARGUMENT', async () => {
    const d = download({ url: 'https://origin.example/ids' });
    for (const ids of [{ taskId: 'ABC' }, { peerId: 'nope' }, { taskId: 'f'.repeat(64) }, { peerId: daemon({ hostname: 'other' }).newPeerId() }]) {
      const p = honest.peer(d, ids);
      p.register();
      const status = await p.status();
      expect(status.code, JSON.stringify(ids)).toBe(grpc.status.INVALID_ARGUMENT);
    }
    // A message whose IDs differ from the registered ones.
    const p = honest.peer(d);
    p.register();
    await p.next();
    p.send({ download_peer_started_request: {} }, { peerId: honest.newPeerId() });
    expect(await p.status()).toMatchObject({ code: grpc.status.INVALID_ARGUMENT, details: expect.stringContaining('differ from the ones registered') });
  });

  it('refuses a piece report before registration with FAILED_PRECONDITION', async () => {
    const p = honest.peer(download({ url: 'https://origin.example/early' }));
    p.send({ download_piece_finished_request: { piece: { number: 0, offset: 0, length: 1, digest: `sha256:${'a'.repeat(64)}` } } });
    expect(await p.status()).toMatchObject({ code: grpc.status.FAILED_PRECONDITION, details: expect.stringContaining('before register_peer_request') });
  });

  it('refuses an unknown host with NOT_FOUND', async () => {
    const ghost = daemon({ hostname: 'ghost' });
    const p = ghost.peer(download({ url: 'https://origin.example/ghost' }));
    p.register();
    expect(await p.status()).toMatchObject({ code: grpc.status.NOT_FOUND, details: expect.stringContaining('AnnounceHost first') });
  });

  it('refuses an oversized message with RESOURCE_EXHAUSTED', async () => {
    const d = download({ url: 'https://origin.example/big' });
    d.request_header = { 'x-big': 'x'.repeat(100 * 1024) };
    const p = honest.peer(d);
    p.register();
    expect((await p.status()).code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect((await statusOf(honest.announceHost({ os: 'y'.repeat(100 * 1024) }))).code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    await honest.announceHost();
  });

  it('refuses roles that may not announce, and allows operators to read', async () => {
    const operator = daemon({ hostname: 'honest', certificate: { role: 'client', hostname: 'ops' } });
    expect(await statusOf(operator.announceHost())).toMatchObject({ code: grpc.status.PERMISSION_DENIED, details: 'role client may not call AnnounceHost' });
    expect((await operator.listHosts()).hosts.map((h) => h.hostname)).toContain('honest');
    const impostor = daemon({ hostname: 'honest', certificate: { role: 'scheduler', hostname: 'honest' } });
    const p = impostor.peer(download({ url: 'https://origin.example/role' }));
    p.register();
    expect(await p.status()).toMatchObject({ code: grpc.status.PERMISSION_DENIED, details: 'role scheduler may not call AnnouncePeer' });
  });

  it("refuses a host or peer whose hostname is not the certificate's", async () => {
    const mallory = daemon({ hostname: 'honest', ip: '127.0.0.9', certificate: { role: 'dfdaemon', hostname: 'mallory' } });
    expect(await statusOf(mallory.announceHost())).toMatchObject({ code: grpc.status.PERMISSION_DENIED, details: expect.stringContaining('does not match') });
    // Peers on somebody else's host, and deleting it.
    const p = mallory.peer(download({ url: 'https://origin.example/theft' }), { hostId: honest.hostId, peerId: honest.newPeerId() });
    p.register();
    expect((await p.status()).code).toBe(grpc.status.PERMISSION_DENIED);
    const asHonest = daemon({ hostname: 'honest', certificate: { role: 'dfdaemon', hostname: 'mallory' } });
    expect((await statusOf(asHonest.deleteHost())).code).toBe(grpc.status.PERMISSION_DENIED);
    expect(scheduler.app.resource.hosts.has(honest.hostId)).toBe(true);
  });

  it('refuses a client without a certificate at the TLS handshake', async () => {
    const bare = createSchedulerClient(scheduler.address, grpc.credentials.createSsl(Buffer.from(pki.ca.certPem)));
    const status = await statusOf(
      new Promise((resolve, reject) =>
        bare.ListHosts({}, { deadline: Date.now() + 5_000 }, (err, res) => (err ? reject(err) : resolve(res))),
      ),
    );
    expect(status.code).toBe(grpc.status.UNAVAILABLE);
    bare.close();
  });
});

describe('a client flooding fake hosts and peers hits its quota; another client stays fast', () => {
  it('bounds what the flooder holds while the honest client keeps being served fast', async () => {
    const fakeHost = (i: number) => daemon({ hostname: 'flood', ip: `10.1.${i >> 8}.${i & 255}` });
    const floodHosts = Array.from({ length: 50 }, (_, i) => fakeHost(i + 1));
    const hostResults = Promise.all(floodHosts.map((h) => h.announceHost().then(() => 0, (e: grpc.ServiceError) => e.code)));

    // Peer flood on the hosts it got, each on a new stream.
    const floodPeers = async (): Promise<number[]> => {
      await hostResults;
      const owned = floodHosts.filter((h) => scheduler.app.resource.hosts.has(h.hostId));
      const codes: Promise<number>[] = [];
      for (let i = 0; i < 200; i++) {
        const h = owned[i % owned.length] as SimDaemon;
        const p = h.peer(download({ url: `https://origin.example/flood/${i}`, priority: 'LEVEL3' }));
        p.register();
        codes.push(p.next().then(() => 0, async () => (await p.status()).code));
      }
      return Promise.all(codes);
    };
    const peerCodes = floodPeers();

    // Meanwhile the honest client registers peers and measures each round trip.
    const latencies: number[] = [];
    for (let i = 0; i < 20; i++) {
      const started = performance.now();
      const p = honest.peer(download({ url: `https://origin.example/honest/${i}`, priority: 'LEVEL3' }));
      p.register();
      expect((await p.next()).response).toBe('need_back_to_source_response');
      latencies.push(performance.now() - started);
      p.end();
    }

    const hostCodes = await hostResults;
    expect(hostCodes.filter((c) => c === 0)).toHaveLength(4);
    expect(hostCodes.filter((c) => c === grpc.status.RESOURCE_EXHAUSTED)).toHaveLength(46);
    const codes = await peerCodes;
    expect(codes.filter((c) => c === 0).length).toBeLessThanOrEqual(30);
    expect(codes.filter((c) => c === grpc.status.RESOURCE_EXHAUSTED).length).toBeGreaterThanOrEqual(170);
    // Memory stays bounded: the flooder holds at most its quota.
    const held = [...scheduler.app.resource.peers.values()].filter((p) => p.owner === 'dfdaemon:flood').length;
    expect(held).toBeLessThanOrEqual(30);
    // Every honest call succeeded (asserted above). Timing bounds are loose: CI machines are shared.
    latencies.sort((a, b) => a - b);
    expect(latencies[Math.floor(latencies.length / 2)]).toBeLessThan(250);
    expect(latencies[latencies.length - 1]).toBeLessThan(2_000);
  });

  it('ends a stream that sends messages faster than the identity limit with RESOURCE_EXHAUSTED', async () => {
    const spammer = daemon({ hostname: 'spam' });
    await spammer.announceHost();
    const p = spammer.peer(download({ url: 'https://origin.example/spam', priority: 'LEVEL3' }));
    p.register();
    await p.next();
    p.send({ download_peer_back_to_source_started_request: {} });
    for (let i = 0; i < 2000; i++) p.send({ download_peer_back_to_source_started_request: {} });
    expect(await p.status()).toMatchObject({ code: grpc.status.RESOURCE_EXHAUSTED, details: expect.stringContaining('faster than its limit') });
    // The honest client is unaffected.
    expect((await honest.listHosts()).hosts.length).toBeGreaterThan(0);
  });
});
