import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createCa } from '@d7y/tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../src/jobs/job-repository.js';
import { startJobsManager } from './jobs-fixture.js';
import type { JobsManager } from './jobs-fixture.js';

// What preheat and task jobs refuse: callers without the right, destinations the egress policy
// refuses (at creation, and on redirects while the job runs), malformed input, and excess.

const DIGEST = (c: string) => `sha256:${c.repeat(64)}`;

describe('jobs refuse', () => {
  let m: JobsManager;
  let origin: Server; // 127.0.0.2, allow-listed: a registry stand-in that redirects
  let forbidden: Server; // 127.0.0.1, not allow-listed
  let forbiddenHits = 0;
  let registry: string;
  // The manager's clock: the job rate test steps it instead of waiting.
  let clockMs = Date.now();

  const post = (args: Record<string, unknown>, extra: Record<string, unknown> = {}, token = m.rootToken) =>
    m.inject('POST', '/api/v1/jobs', { token, payload: { type: 'preheat', args, ...extra } });

  beforeAll(async () => {
    forbidden = createServer((_req, res) => {
      forbiddenHits++;
      res.end('internal');
    });
    await new Promise<void>((resolve) => forbidden.listen(0, '127.0.0.1', resolve));
    const forbiddenPort = (forbidden.address() as AddressInfo).port;
    origin = createServer((req, res) => {
      const path = req.url ?? '';
      const redirect = (to: string) => res.writeHead(302, { location: to }).end();
      if (path === '/v2/demo/to-loopback/manifests/v1') return redirect(`http://127.0.0.1:${forbiddenPort}/v2/demo/app/manifests/v1`);
      if (path === '/v2/demo/to-metadata/manifests/v1') return redirect('http://169.254.169.254/latest/meta-data/');
      if (path === '/v2/demo/to-metadata-decimal/manifests/v1') return redirect('http://2852039166/latest/meta-data/');
      if (path === '/v2/demo/to-file/manifests/v1') return redirect('file:///etc/passwd');
      if (path === '/v2/demo/big/manifests/v1') {
        const manifest = {
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: DIGEST('a'), size: 2 },
          layers: ['b', 'c', 'd'].map((c) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: DIGEST(c), size: 2 })),
        };
        return res.writeHead(200, { 'content-type': manifest.mediaType }).end(JSON.stringify(manifest));
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => origin.listen(0, '127.0.0.2', resolve));
    registry = `http://127.0.0.2:${(origin.address() as AddressInfo).port}`;
    m = await startJobsManager({ ca: createCa(), job: { maxPeers: 2, preheat: { allowList: ['127.0.0.2'], maxBlobs: 3 } }, now: () => clockMs });
    await m.addSeedPeer({ hostname: 'seed-1', port: 1 });
  });

  afterAll(async () => {
    await m?.stop();
    for (const s of [origin, forbidden]) {
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    }
  });

  describe('callers', () => {
    let guestToken: string;
    beforeAll(async () => {
      const created = await m.inject('POST', '/api/v1/users', { token: m.rootToken, payload: { name: 'guest1', password: 'guest-password-1', roles: ['guest'] } });
      expect(created.statusCode, created.body).toBe(201);
      const signIn = await m.inject('POST', '/api/v1/users/signin', { payload: { name: 'guest1', password: 'guest-password-1' } });
      guestToken = signIn.json<{ token: string }>().token;
    });
    const fileArgs = () => ({ type: 'file', url: `${registry}/file` });

    it('without credentials: 401 on both APIs', async () => {
      expect((await m.inject('POST', '/api/v1/jobs', { payload: { type: 'preheat', args: fileArgs() } })).statusCode).toBe(401);
      expect((await m.inject('POST', '/oapi/v1/jobs', { payload: { type: 'preheat', args: fileArgs() } })).statusCode).toBe(401);
      expect((await m.inject('GET', '/api/v1/jobs')).statusCode).toBe(401);
    });

    it('a guest may read jobs but not create or delete them (403)', async () => {
      const res = await post(fileArgs(), {}, guestToken);
      expect(res.statusCode).toBe(403);
      expect((await m.inject('GET', '/api/v1/jobs', { token: guestToken })).statusCode).toBe(200);
      expect((await m.inject('DELETE', '/api/v1/jobs/1', { token: guestToken })).statusCode).toBe(403);
    });

    it('/oapi/v1/jobs takes a personal access token with scope job, not one without it, nor a JWT', async () => {
      const expiry = new Date(Date.now() + 3_600_000).toISOString();
      const clusterOnly = await m.inject('POST', '/api/v1/personal-access-tokens', { token: m.rootToken, payload: { name: 'clusters', scopes: ['cluster'], expired_at: expiry } });
      const jobScope = await m.inject('POST', '/api/v1/personal-access-tokens', { token: m.rootToken, payload: { name: 'jobs', scopes: ['job'], expired_at: expiry } });
      expect(clusterOnly.statusCode, clusterOnly.body).toBe(201);
      const payload = { type: 'preheat', args: fileArgs() };
      const without = await m.inject('POST', '/oapi/v1/jobs', { token: clusterOnly.json<{ token: string }>().token, payload });
      expect(without.statusCode).toBe(403);
      expect(without.json<{ message: string }>().message).toContain('lacks scope job');
      expect((await m.inject('GET', '/oapi/v1/jobs', { token: clusterOnly.json<{ token: string }>().token })).statusCode).toBe(403);
      expect((await m.inject('POST', '/oapi/v1/jobs', { token: m.rootToken, payload })).statusCode).toBe(401);
      const ok = await m.inject('POST', '/oapi/v1/jobs', { token: jobScope.json<{ token: string }>().token, payload });
      expect(ok.statusCode, ok.body).toBe(201);
      expect((await m.inject('GET', `/oapi/v1/jobs/${ok.json<Job>().id}`, { token: jobScope.json<{ token: string }>().token })).statusCode).toBe(200);
    });
  });

  describe('destinations, at creation (400, nothing fetched)', () => {
    it.each([
      ['loopback', 'http://127.0.0.1:5000/v2/a/manifests/v1', 'loopback'],
      ['localhost', 'http://localhost:5000/v2/a/manifests/v1', 'loopback'],
      ['IPv6 loopback', 'http://[::1]:5000/v2/a/manifests/v1', 'loopback'],
      ['metadata', 'http://169.254.169.254/v2/a/manifests/v1', 'link-local'],
      ['metadata in decimal', 'http://2852039166/v2/a/manifests/v1', 'link-local'],
      ['metadata in hex', 'http://0xa9fea9fe/v2/a/manifests/v1', 'link-local'],
      ['metadata in octal', 'http://0251.0376.0251.0376/v2/a/manifests/v1', 'link-local'],
      ['metadata IPv6-mapped', 'http://[::ffff:169.254.169.254]/v2/a/manifests/v1', 'link-local'],
      ['metadata NAT64', 'http://[64:ff9b::a9fe:a9fe]/v2/a/manifests/v1', 'link-local'],
      ['10/8', 'https://10.0.0.8/v2/a/manifests/v1', 'private'],
      ['192.168/16', 'https://192.168.1.20/v2/a/manifests/v1', 'private'],
      ['172.16/12', 'https://172.20.0.1/v2/a/manifests/v1', 'private'],
      ['unique local IPv6', 'https://[fd00::1]/v2/a/manifests/v1', 'private'],
      ['0.0.0.0', 'http://0.0.0.0:5000/v2/a/manifests/v1', 'unspecified'],
    ])('image at %s', async (_name, url, kind) => {
      const res = await post({ type: 'image', url });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json<{ message: string }>().message).toContain(kind);
    });

    it.each([
      ['metadata', 'http://169.254.169.254/latest/meta-data/iam'],
      ['loopback', 'http://127.0.0.1:4001/secret'],
      ['private', 'http://10.1.2.3/file'],
    ])('file at %s, also as the 2nd of several URLs', async (_name, url) => {
      expect((await post({ type: 'file', url })).statusCode).toBe(400);
      expect((await post({ type: 'file', url: `${registry}/ok`, urls: [url] })).statusCode).toBe(400);
    });

    it.each(['ftp://registry.example/file', 'file:///etc/passwd', 'gopher://127.0.0.2:70/', 'data:text/plain,x'])('the scheme of %s', async (url) => {
      const res = await post({ type: 'file', url });
      expect(res.statusCode).toBe(400);
      expect(res.json<{ message: string }>().message).toMatch(/scheme|http/);
      expect((await post({ type: 'image', url })).statusCode).toBe(400);
    });
  });

  describe('redirects while the job runs (the job fails, the target is never reached)', () => {
    it.each([
      ['to loopback', 'to-loopback', 'loopback'],
      ['to 169.254.169.254', 'to-metadata', 'link-local'],
      ['to 169.254.169.254 in decimal', 'to-metadata-decimal', 'link-local'],
      ['to file:', 'to-file', 'only http and https'],
    ])('%s', async (_name, repo, words) => {
      const res = await post({ type: 'image', url: `${registry}/v2/demo/${repo}/manifests/v1` });
      expect(res.statusCode, res.body).toBe(201);
      const { job } = await m.waitForJob(res.json<Job>().id);
      expect(job.state).toBe('FAILURE');
      expect(job.result.reason).toContain(words);
      expect(forbiddenHits).toBe(0);
    });
  });

  describe('headers', () => {
    it.each([
      ['CR LF in a value', { 'X-A': 'v\r\nX-Injected: 1' }],
      ['LF in a value', { 'X-A': 'v\nX-Injected: 1' }],
      ['CR LF in a name', { 'X-A\r\nX-Injected': 'v' }],
      ['a Host header', { Host: 'metadata.google.internal' }],
    ])('%s', async (_name, headers) => {
      const res = await post({ type: 'file', url: `${registry}/file`, headers });
      expect(res.statusCode).toBe(400);
      expect(res.body).not.toContain('X-Injected: 1');
    });
  });

  describe('limits', () => {
    it('more URLs than job.preheat.maxBlobs: 400', async () => {
      const res = await post({ type: 'file', url: `${registry}/1`, urls: [`${registry}/2`, `${registry}/3`, `${registry}/4`] });
      expect(res.statusCode).toBe(400);
      expect(res.json<{ message: string }>().message).toContain('job.preheat.maxBlobs (3)');
    });

    it('an image with more blobs than job.preheat.maxBlobs fails', async () => {
      const res = await post({ type: 'image', url: `${registry}/v2/demo/big/manifests/v1` });
      const { job } = await m.waitForJob(res.json<Job>().id);
      expect(job.state).toBe('FAILURE');
      expect(job.result.reason).toContain('more than 3 blobs');
    });

    it('more peers than job.maxPeers: 400', async () => {
      const ips = await post({ type: 'file', url: `${registry}/f`, scope: 'all_peers', ips: ['10.0.0.1', '10.0.0.2', '10.0.0.3'] });
      expect(ips.statusCode).toBe(400);
      expect(ips.json<{ message: string }>().message).toContain('job.maxPeers (2)');
      expect((await post({ type: 'file', url: `${registry}/f`, scope: 'all_peers', count: 3 })).statusCode).toBe(400);
    });

    it('more jobs per second than the cluster job_rate_limit: 429 with Retry-After, not queued', async () => {
      const cluster = await m.inject('PATCH' as 'POST', '/api/v1/scheduler-clusters/1', { token: m.rootToken, payload: { config: { candidate_parent_limit: 4, filter_parent_limit: 15, job_rate_limit: 2 } } });
      expect(cluster.statusCode, cluster.body).toBe(200);
      // The cluster's bucket is rebuilt full (2) with the new rate; the clock stands still, so a third job is refused.
      const codes: number[] = [];
      for (let i = 0; i < 3; i++) codes.push((await post({ type: 'file', url: `${registry}/r${i}` })).statusCode);
      expect(codes).toEqual([201, 201, 429]);
      const refused = await post({ type: 'file', url: `${registry}/r3` });
      expect(refused.statusCode).toBe(429);
      expect(refused.headers['retry-after']).toBe('1');
      expect(refused.json<{ code: string; message: string }>()).toMatchObject({ code: 'DF_ERR_MANAGER_TOO_MANY_REQUESTS' });
      clockMs += 500; // half a second: one token back at 2 per second
      expect((await post({ type: 'file', url: `${registry}/r4` })).statusCode).toBe(201);
      expect((await post({ type: 'file', url: `${registry}/r5` })).statusCode).toBe(429);
      await m.inject('PATCH' as 'POST', '/api/v1/scheduler-clusters/1', { token: m.rootToken, payload: { config: { candidate_parent_limit: 4, filter_parent_limit: 15, job_rate_limit: 1000 } } });
    });
  });

  describe('malformed input (400)', () => {
    it.each([
      ['an unknown args field', { type: 'file', url: 'https://example.com/f', evil: true }],
      ['an image URL that is not a manifest URL', { type: 'image', url: 'https://registry.example/library/nginx:latest' }],
      ['an image with urls', { type: 'image', url: 'https://registry.example/v2/a/manifests/v1', urls: ['https://registry.example/x'] }],
      ['a bad platform', { type: 'image', url: 'https://registry.example/v2/a/manifests/v1', platform: 'linux' }],
      ['a piece length under 4 MiB', { type: 'file', url: 'https://example.com/f', piece_length: 1024 }],
      ['a password without a username', { type: 'file', url: 'https://example.com/f', password: 'x' }],
      ['ips with the single_seed_peer scope', { type: 'file', url: 'https://example.com/f', ips: ['10.0.0.1'] }],
      ['an unknown scope', { type: 'file', url: 'https://example.com/f', scope: 'everyone' }],
    ])('%s', async (_name, args) => {
      expect((await post(args)).statusCode).toBe(400);
    });

    it('task jobs need exactly one valid way to name the task, and known clusters', async () => {
      const task = (args: Record<string, unknown>, extra: Record<string, unknown> = {}) => m.inject('POST', '/api/v1/jobs', { token: m.rootToken, payload: { type: 'get_task', args, ...extra } });
      expect((await task({})).statusCode).toBe(400);
      expect((await task({ task_id: 'a'.repeat(64), url: 'https://example.com/f' })).statusCode).toBe(400);
      expect((await task({ task_id: 'NOT-A-TASK' })).statusCode).toBe(400);
      expect((await task({ url: 'ftp://example.com/f' })).statusCode).toBe(400);
      const unknownCluster = await task({ task_id: 'a'.repeat(64) }, { scheduler_cluster_ids: [999] });
      expect(unknownCluster.statusCode).toBe(400);
      expect(unknownCluster.json<{ message: string }>().message).toContain('no scheduler cluster 999');
    });
  });

  it('lists jobs newest first with pagination, and deletes ended jobs', async () => {
    const page = await m.inject('GET', '/api/v1/jobs?per_page=2&type=preheat', { token: m.rootToken });
    expect(page.statusCode).toBe(200);
    const items = page.json<Job[]>();
    expect(items).toHaveLength(2);
    expect((items[0]?.id ?? 0) > (items[1]?.id ?? 0)).toBe(true);
    expect(Number(page.headers['x-total-count'])).toBeGreaterThan(2);
    expect(String(page.headers.link)).toContain('rel="next"');
    const failed = await m.inject('GET', '/api/v1/jobs?state=FAILURE&per_page=1', { token: m.rootToken });
    const id = failed.json<Job[]>()[0]?.id ?? 0;
    expect((await m.inject('DELETE', `/api/v1/jobs/${id}`, { token: m.rootToken })).statusCode).toBe(204);
    expect((await m.inject('GET', `/api/v1/jobs/${id}`, { token: m.rootToken })).statusCode).toBe(404);
  });
});
