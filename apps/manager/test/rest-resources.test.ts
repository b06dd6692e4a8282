import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseType } from '../src/db/database-type.js';
import { bearer, startTestManager } from './manager-fixture.js';
import type { TestManager } from './manager-fixture.js';
import { createTestDatabase, serverReachable } from './test-databases.js';
import type { TestDatabase } from './test-databases.js';

const reachable = { postgres: await serverReachable('postgres'), mysql: await serverReachable('mysql') };
const engines: { type: DatabaseType; label: string; skip: boolean }[] = [
  { type: 'sqlite', label: 'sqlite', skip: false },
  { type: 'postgres', label: reachable.postgres ? 'postgres' : 'postgres — SKIPPED: SERVER UNREACHABLE AT 127.0.0.1:5432', skip: !reachable.postgres },
  { type: 'mysql', label: reachable.mysql ? 'mariadb/mysql' : 'mariadb/mysql — SKIPPED: SERVER UNREACHABLE AT 127.0.0.1:3306', skip: !reachable.mysql },
];

describe.each(engines)('REST resources on $label', ({ type, skip }) => {
  let t: TestManager;
  let root: string;
  let db: TestDatabase | undefined;

  beforeAll(async () => {
    if (skip) return;
    db = type === 'sqlite' ? undefined : await createTestDatabase(type);
    t = await startTestManager({
      config: { server: { rest: { bodyLimit: 64 * 1024, cors: { allowedOrigins: ['https://console.example.com'] } } } },
      ...(db === undefined ? {} : { databaseOptions: db.options }),
    });
    root = await t.rootToken();
  });
  afterAll(async () => {
    if (skip) return;
    await t.stop();
    await db?.cleanup();
  });

  const req = (method: string, url: string, payload?: unknown, headers: Record<string, string> = {}) =>
    t.manager.rest.inject({ method: method as 'GET', url, headers: { ...bearer(root), ...headers }, ...(payload === undefined ? {} : { payload: payload as object }) });

  it.skipIf(skip)('creates, reads, updates, pages and deletes scheduler clusters, schedulers, seed peer clusters, seed peers and applications', async () => {
    const spc = await req('POST', '/api/v1/seed-peer-clusters', { name: 'spc-a', config: { load_limit: 300 } });
    expect(spc.statusCode).toBe(201);
    const spcId = (spc.json() as { id: number }).id;
    const sc = await req('POST', '/api/v1/scheduler-clusters', {
      name: 'sc-a',
      config: { candidate_parent_limit: 4, filter_parent_limit: 40 },
      client_config: { load_limit: 50, block_list: { task: { download: { urls: ['.*\\.iso$'] } } } },
      scopes: { idc: 'idc-1|idc-2', location: 'cn|hz', cidrs: ['10.1.0.0/16'], hostnames: ['^node-[0-9]+$'] },
      seed_peer_cluster_ids: [spcId],
    });
    expect(sc.statusCode, sc.body).toBe(201);
    const cluster = sc.json() as { id: number; config: { job_rate_limit: number }; seed_peer_cluster_ids: number[] };
    expect(cluster.config.job_rate_limit).toBe(10);
    expect(cluster.seed_peer_cluster_ids).toEqual([spcId]);

    for (let i = 0; i < 12; i++) {
      const s = await req('POST', '/api/v1/schedulers', { host_name: `sched-${i}`, ip: `10.1.0.${i + 1}`, port: 8002, scheduler_cluster_id: cluster.id });
      expect(s.statusCode, s.body).toBe(201);
    }
    const page = await req('GET', `/api/v1/schedulers?scheduler_cluster_id=${cluster.id}&page=2&per_page=5`);
    expect(page.statusCode).toBe(200);
    expect((page.json() as { host_name: string }[]).map((s) => s.host_name)).toEqual(['sched-5', 'sched-6', 'sched-7', 'sched-8', 'sched-9']);
    expect(page.headers['x-total-count']).toBe('12');
    expect(page.headers.link).toContain('rel="next"');
    expect(page.headers.link).toContain(`page=3&per_page=5>; rel="last"`);

    const first = (page.json() as { id: number }[])[0];
    const patched = await req('PATCH', `/api/v1/schedulers/${first?.id}`, { idc: 'idc-9', features: ['schedule', 'preheat'] });
    expect(patched.statusCode).toBe(200);
    expect((patched.json() as { features: string[] }).features).toEqual(['schedule', 'preheat']);

    // A cluster with schedulers cannot be deleted.
    expect((await req('DELETE', `/api/v1/scheduler-clusters/${cluster.id}`)).statusCode).toBe(409);

    const sp = await req('POST', '/api/v1/seed-peers', { host_name: 'seed-1', ip: '10.1.1.1', port: 4000, download_port: 4005, seed_peer_cluster_id: spcId });
    expect(sp.statusCode, sp.body).toBe(201);
    expect((sp.json() as { type: string }).type).toBe('super');
    expect((await req('GET', `/api/v1/seed-peers?seed_peer_cluster_id=${spcId}`)).json()).toHaveLength(1);

    const app = await req('POST', '/api/v1/applications', { name: 'app-1', url: 'https://example.com', priority: { value: 3, urls: [{ regex: '^https://a/', value: 5 }] } });
    expect(app.statusCode, app.body).toBe(201);
    const appId = (app.json() as { id: number }).id;
    expect((await req('PATCH', `/api/v1/applications/${appId}`, { bio: 'b' })).json()).toMatchObject({ bio: 'b', priority: { value: 3 } });
    expect((await req('POST', '/api/v1/applications', { name: 'app-1', priority: { value: 1 } })).statusCode).toBe(409);
    expect((await req('DELETE', `/api/v1/applications/${appId}`)).statusCode).toBe(204);
    expect((await req('GET', `/api/v1/applications/${appId}`)).statusCode).toBe(404);
  });

  it.skipIf(skip).each([
    ['an unknown field', '/api/v1/applications', { name: 'x1', priority: { value: 1 }, owner: 'root' }],
    ['an unknown nested field', '/api/v1/applications', { name: 'x2', priority: { value: 1, admin: true } }],
    ['a bad CIDR', '/api/v1/scheduler-clusters', { name: 'x3', config: { candidate_parent_limit: 4, filter_parent_limit: 15 }, client_config: { load_limit: 1 }, scopes: { cidrs: ['10.0.0.0/33'] } }],
    ['a bad hostname regex', '/api/v1/scheduler-clusters', { name: 'x4', config: { candidate_parent_limit: 4, filter_parent_limit: 15 }, client_config: { load_limit: 1 }, scopes: { hostnames: ['(('] } }],
    ['a priority out of range', '/api/v1/applications', { name: 'x5', priority: { value: 7 } }],
    ['a missing cluster', '/api/v1/schedulers', { host_name: 'h', ip: '10.0.0.1', port: 1, scheduler_cluster_id: 999 }],
    ['a bad ip', '/api/v1/schedulers', { host_name: 'h', ip: 'not-an-ip', port: 1, scheduler_cluster_id: 1 }],
  ])('rejects %s with 400', async (_name, url, body) => {
    const res = await req('POST', url, body);
    expect(res.statusCode, res.body).toBe(400);
    expect((res.json() as { code: string }).code).toBe('DF_ERR_MANAGER_VALIDATION');
  });

  it.skipIf(skip)('names the offending property in validation messages', async () => {
    const res = await req('POST', '/api/v1/applications', { name: 'x9', priority: { value: 1, admin: true } });
    expect((res.json() as { message: string }).message).toBe('body.priority: unknown property "admin"');
    const range = await req('GET', '/api/v1/schedulers?per_page=1000');
    expect((range.json() as { message: string }).message).toBe('querystring.per_page must be <= 100');
  });

  it.skipIf(skip)('rejects __proto__ and constructor.prototype keys with 400', async () => {
    for (const raw of ['{"name":"p1","priority":{"value":1},"__proto__":{"polluted":true}}', '{"name":"p2","priority":{"value":1},"constructor":{"prototype":{"polluted":true}}}']) {
      const res = await t.manager.rest.inject({ method: 'POST', url: '/api/v1/applications', headers: { ...bearer(root), 'content-type': 'application/json' }, payload: raw });
      expect(res.statusCode).toBe(400);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.skipIf(skip)('rejects a body over the limit with 413', async () => {
    const res = await req('POST', '/api/v1/applications', { name: 'big', bio: 'x'.repeat(70 * 1024), priority: { value: 1 } });
    expect(res.statusCode).toBe(413);
  });

  it.skipIf(skip)('rejects a page size over the maximum and a page below 1 with 400', async () => {
    expect((await req('GET', '/api/v1/schedulers?per_page=101')).statusCode).toBe(400);
    expect((await req('GET', '/api/v1/schedulers?page=0')).statusCode).toBe(400);
    expect((await req('GET', '/api/v1/schedulers?per_page=100')).statusCode).toBe(200);
  });

  it.skipIf(skip)('grants CORS only to configured origins', async () => {
    const ok = await req('GET', '/api/v1/scheduler-clusters', undefined, { origin: 'https://console.example.com' });
    expect(ok.headers['access-control-allow-origin']).toBe('https://console.example.com');
    expect(ok.headers['access-control-allow-credentials']).toBeUndefined();
    const evil = await req('GET', '/api/v1/scheduler-clusters', undefined, { origin: 'https://evil.example.com' });
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
    const preflightOk = await t.manager.rest.inject({
      method: 'OPTIONS',
      url: '/api/v1/applications',
      headers: { origin: 'https://console.example.com', 'access-control-request-method': 'POST' },
    });
    expect(preflightOk.statusCode).toBe(204);
    expect(preflightOk.headers['access-control-allow-methods']).toContain('POST');
    const preflightEvil = await t.manager.rest.inject({
      method: 'OPTIONS',
      url: '/api/v1/applications',
      headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'POST' },
    });
    expect(preflightEvil.statusCode).toBe(403);
    expect(preflightEvil.headers['access-control-allow-origin']).toBeUndefined();
    expect(preflightEvil.headers['access-control-allow-methods']).toBeUndefined();
  });

  it.skipIf(skip)('personal access tokens are shown once, stored hashed, and never listed', async () => {
    const created = await req('POST', '/api/v1/personal-access-tokens', { name: 'ci', scopes: ['cluster'], expired_at: new Date(Date.now() + 86_400_000).toISOString() });
    expect(created.statusCode, created.body).toBe(201);
    const { token, id } = created.json() as { token: string; id: number };
    expect(token).toMatch(/^dfp_\d+_[A-Za-z0-9_-]{43}$/);
    const secret = token.replace(/^dfp_\d+_/, '');
    expect(secret).toHaveLength(43);
    const listed = await req('GET', '/api/v1/personal-access-tokens');
    expect(listed.body).not.toContain(secret);
    expect(listed.body).not.toContain('token_hash');
    const row = await t.manager.database.db.selectFrom('personal_access_tokens').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(secret);
    // A PAT is not a session token for /api/v1.
    expect((await t.manager.rest.inject({ method: 'GET', url: '/api/v1/users', headers: bearer(token) })).statusCode).toBe(401);
  });

  it.skipIf(skip)('serves an OpenAPI document built from the route schemas', async () => {
    const res = await t.manager.rest.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json() as { openapi: string; paths: Record<string, Record<string, { security: unknown[]; requestBody?: { content: Record<string, { schema: { additionalProperties: boolean } }> } }>> };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.paths['/api/v1/schedulers/{id}']?.patch?.security).toEqual([{ jwt: [] }]);
    expect(doc.paths['/api/v1/users/signin']?.post?.security).toEqual([]);
    expect(doc.paths['/api/v1/applications']?.post?.requestBody?.content['application/json']?.schema.additionalProperties).toBe(false);
  });

  it.skipIf(skip)('answers health without credentials', async () => {
    const res = await t.manager.rest.inject({ method: 'GET', url: '/healthy' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });
});
