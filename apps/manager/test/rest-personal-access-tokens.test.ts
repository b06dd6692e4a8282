import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestManager } from './manager-fixture.js';
import type { TestManager } from './manager-fixture.js';

const clusterBody = (name: string) => ({
  name,
  scheduler_cluster_config: { candidate_parent_limit: 4, filter_parent_limit: 15 },
  seed_peer_cluster_config: { load_limit: 100 },
  peer_cluster_config: { load_limit: 50 },
  scopes: { cidrs: ['10.30.0.0/16'] },
});

describe('personal access tokens on /oapi/v1 and composite clusters', () => {
  let t: TestManager;
  let nowMs = Date.now();
  let root: string;

  beforeAll(async () => {
    t = await startTestManager({ now: () => nowMs });
    root = await t.rootToken();
  });
  afterAll(() => t.stop());

  const inject = (method: string, url: string, token: string, payload?: unknown) =>
    t.manager.rest.inject({ method: method as 'GET', url, headers: bearer(token), ...(payload === undefined ? {} : { payload: payload as object }) });

  const createPat = async (token: string, scopes: string[], expiresInMs = 86_400_000): Promise<{ id: number; token: string }> => {
    const res = await inject('POST', '/api/v1/personal-access-tokens', token, { name: `pat-${scopes.join('-')}`, scopes, expired_at: new Date(nowMs + expiresInMs).toISOString() });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: number; token: string };
  };

  it('creates, reads, updates and deletes a composite cluster (scheduler cluster + linked seed peer cluster)', async () => {
    const created = await inject('POST', '/api/v1/clusters', root, clusterBody('composite'));
    expect(created.statusCode, created.body).toBe(201);
    const c = created.json() as { id: number; seed_peer_cluster_id: number; seed_peer_cluster_config: { load_limit: number } };
    expect(c.seed_peer_cluster_config.load_limit).toBe(100);
    const spc = await inject('GET', `/api/v1/seed-peer-clusters/${c.seed_peer_cluster_id}`, root);
    expect((spc.json() as { scheduler_cluster_ids: number[] }).scheduler_cluster_ids).toEqual([c.id]);
    const patched = await inject('PATCH', `/api/v1/clusters/${c.id}`, root, { seed_peer_cluster_config: { load_limit: 9 }, bio: 'b' });
    expect(patched.json()).toMatchObject({ bio: 'b', seed_peer_cluster_config: { load_limit: 9 } });
    // A duplicate name fails whole: no orphan seed peer cluster is left behind.
    const before = (await inject('GET', '/api/v1/seed-peer-clusters', root)).headers['x-total-count'];
    expect((await inject('POST', '/api/v1/clusters', root, clusterBody('composite'))).statusCode).toBe(409);
    expect((await inject('GET', '/api/v1/seed-peer-clusters', root)).headers['x-total-count']).toBe(before);
    expect((await inject('DELETE', `/api/v1/clusters/${c.id}`, root)).statusCode).toBe(204);
    expect((await inject('GET', `/api/v1/seed-peer-clusters/${c.seed_peer_cluster_id}`, root)).statusCode).toBe(404);
  });

  it('a root PAT with the cluster scope reads and writes /oapi/v1/clusters', async () => {
    const pat = await createPat(root, ['cluster']);
    const list = await inject('GET', '/oapi/v1/clusters', pat.token);
    expect(list.statusCode).toBe(200);
    expect((list.json() as { name: string }[]).map((c) => c.name)).toContain('cluster-1');
    const created = await inject('POST', '/oapi/v1/clusters', pat.token, clusterBody('via-pat'));
    expect(created.statusCode, created.body).toBe(201);
    const row = await t.manager.database.db.selectFrom('personal_access_tokens').select('last_used_at').where('id', '=', pat.id).executeTakeFirstOrThrow();
    expect(row.last_used_at).not.toBeNull();
  });

  it.each([
    ['unknown token', 401, async () => 'dfp_99999_' + 'A'.repeat(43)],
    ['malformed token', 401, async () => 'not-a-token'],
    ['a session JWT', 401, async () => root],
    ['the wrong secret for a real id', 401, async () => `dfp_${(await createPat(root, ['cluster'])).id}_${'B'.repeat(43)}`],
    ['a token without the cluster scope', 403, async () => (await createPat(root, ['job'])).token],
  ])('refuses %s with %d', async (_name, status, make) => {
    expect((await inject('GET', '/oapi/v1/clusters', await make())).statusCode).toBe(status);
  });

  it('refuses an inactive token and an expired token with 403', async () => {
    const pat = await createPat(root, ['cluster']);
    expect((await inject('PATCH', `/api/v1/personal-access-tokens/${pat.id}`, root, { state: 'inactive' })).statusCode).toBe(200);
    expect((await inject('GET', '/oapi/v1/clusters', pat.token)).statusCode).toBe(403);
    const short = await createPat(root, ['cluster'], 60_000);
    expect((await inject('GET', '/oapi/v1/clusters', short.token)).statusCode).toBe(200);
    nowMs += 61_000;
    expect((await inject('GET', '/oapi/v1/clusters', short.token)).statusCode).toBe(403);
  });

  it('a token is worth no more than its owner: a deleted token stops working, a guest-owned token cannot write', async () => {
    const pat = await createPat(root, ['cluster']);
    expect((await inject('DELETE', `/api/v1/personal-access-tokens/${pat.id}`, root)).statusCode).toBe(204);
    expect((await inject('GET', '/oapi/v1/clusters', pat.token)).statusCode).toBe(401);

    await inject('POST', '/api/v1/users', root, { name: 'pat-guest', password: 'pat-guest-password' });
    const guestId = ((await inject('GET', '/api/v1/users?name=pat-guest', root)).json() as { id: number }[])[0]?.id ?? 0;
    // Root lends the guest a token (guests cannot create one themselves): it still cannot write.
    const guestToken = await t.signIn('pat-guest', 'pat-guest-password');
    expect((await inject('POST', '/api/v1/personal-access-tokens', guestToken, { name: 'g', scopes: ['cluster'], expired_at: new Date(nowMs + 86_400_000).toISOString() })).statusCode).toBe(403);
    const secretRow = await createPat(root, ['cluster']);
    await t.manager.database.db.updateTable('personal_access_tokens').set({ user_id: guestId }).where('id', '=', secretRow.id).execute();
    expect((await inject('GET', '/oapi/v1/clusters', secretRow.token)).statusCode).toBe(200);
    expect((await inject('POST', '/oapi/v1/clusters', secretRow.token, clusterBody('by-guest'))).statusCode).toBe(403);
    // And the guest does not see root's tokens.
    const guestList = await inject('GET', '/api/v1/personal-access-tokens', guestToken);
    expect((guestList.json() as { user_id: number }[]).every((p) => p.user_id === guestId)).toBe(true);
  });
});

describe('REST request rate limit', () => {
  it('answers 429 with Retry-After past the per-client limit, other clients unaffected', async () => {
    const t = await startTestManager({ config: { server: { rest: { requestRateLimitPerClient: 5 } } } });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 8; i++) codes.push((await t.manager.rest.inject({ method: 'GET', url: '/healthy', remoteAddress: '10.7.0.1' })).statusCode);
      expect(codes.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
      expect(codes.slice(5)).toEqual([429, 429, 429]);
      const limited = await t.manager.rest.inject({ method: 'GET', url: '/healthy', remoteAddress: '10.7.0.1' });
      expect(limited.headers['retry-after']).toBe('1');
      expect((await t.manager.rest.inject({ method: 'GET', url: '/healthy', remoteAddress: '10.7.0.2' })).statusCode).toBe(200);
    } finally {
      await t.stop();
    }
  });
});
