import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUBLIC_ROUTES } from '../src/rest/public-routes.js';
import { ROOT_PASSWORD, TEST_JWT_KEY, bearer, forgeJwt, startTestManager } from './manager-fixture.js';
import type { TestManager } from './manager-fixture.js';

describe('REST authentication and authorization', () => {
  let t: TestManager;
  let nowMs = Date.now();
  const now = () => nowMs;

  beforeAll(async () => {
    t = await startTestManager({ now, signInLimits: { perUser: 3, perIp: 8, windowMs: 60_000 }, config: { auth: { jwt: { timeout: 3_600_000, maxRefresh: 7_200_000 } } } });
  });
  afterAll(() => t.stop());

  const inject = (method: string, url: string, token?: string, payload?: unknown) =>
    t.manager.rest.inject({ method: method as 'GET', url, ...(token === undefined ? {} : { headers: bearer(token) }), ...(payload === undefined ? {} : { payload: payload as object }) });

  it('answers 401 on every route without credentials, except the explicit allow-list', async () => {
    const routes = t.manager.restRoutes;
    expect(routes.length).toBeGreaterThan(40);
    const publicRoutes = routes.filter((r) => r.access === 'public').map((r) => `${r.method} ${r.url}`);
    // The allow-list is exactly the routes marked public (HEAD twins of public GETs included).
    const allowed = new Set([...PUBLIC_ROUTES, ...PUBLIC_ROUTES.filter((r) => r.startsWith('GET ')).map((r) => r.replace('GET ', 'HEAD '))]);
    expect(new Set(publicRoutes)).toEqual(allowed);
    for (const r of routes) {
      if (allowed.has(`${r.method} ${r.url}`)) continue;
      const url = r.url.replace(/:id\b/g, '1').replace(/:role\b/g, 'guest').replace(/\*/g, 'x');
      const res = await t.manager.rest.inject({ method: r.method as 'GET', url, ...(['POST', 'PUT', 'PATCH'].includes(r.method) ? { payload: {} } : {}) });
      expect(res.statusCode, `${r.method} ${r.url}`).toBe(401);
      expect(res.headers['www-authenticate'], `${r.method} ${r.url}`).toBe('Bearer realm="Dragonfly"');
    }
    // Unknown routes are not a way around it either.
    expect((await inject('GET', '/api/v1/nope')).statusCode).toBe(401);
    // What the allow-list answers anonymously: nothing that needs a user.
    expect((await inject('GET', '/healthy')).statusCode).toBe(200);
    expect((await inject('GET', '/openapi.json')).statusCode).toBe(200);
    expect((await inject('POST', '/api/v1/users/signin', undefined, {})).statusCode).toBe(400);
    expect((await inject('OPTIONS', '/api/v1/users')).statusCode).toBe(403);
    // Refresh checks the token itself (an expired one may refresh): without one it is a 401 too.
    expect((await inject('POST', '/api/v1/users/refresh_token')).statusCode).toBe(401);
  });

  it('signs in, uses the token, refreshes it, and signing out revokes it', async () => {
    const token = await t.rootToken();
    expect((await inject('GET', '/api/v1/scheduler-clusters', token)).statusCode).toBe(200);
    const refreshed = await inject('POST', '/api/v1/users/refresh_token', token);
    expect(refreshed.statusCode).toBe(200);
    const token2 = (refreshed.json() as { token: string }).token;
    expect((await inject('GET', '/api/v1/users', token2)).statusCode).toBe(200);
    expect((await inject('POST', '/api/v1/users/signout', token2)).statusCode).toBe(204);
    // The whole session ends: the refreshed token and the one it came from.
    expect((await inject('GET', '/api/v1/users', token2)).statusCode).toBe(401);
    expect((await inject('GET', '/api/v1/users', token)).statusCode).toBe(401);
    expect((await inject('POST', '/api/v1/users/refresh_token', token)).statusCode).toBe(401);
    // Another session of the same user is untouched.
    expect((await inject('GET', '/api/v1/users', await t.rootToken())).statusCode).toBe(200);
  });

  it('issues tokens that expire after auth.jwt.timeout, not a thousand times later', async () => {
    const token = await t.rootToken();
    const claims = JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString()) as { iat: number; exp: number };
    // timeout is 3,600,000 ms in this suite's config: one hour.
    expect(claims.exp - claims.iat).toBe(3600);
  });

  describe('refuses forged and stale tokens with 401', () => {
    let claims: Record<string, unknown>;
    beforeAll(async () => {
      const token = await t.rootToken();
      const [, payload] = token.split('.');
      claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<string, unknown>;
      // The genuine claims, re-signed by the test's own HS256: accepted (so the refusals below are about the one thing changed).
      expect((await inject('GET', '/api/v1/users', forgeJwt({ alg: 'HS256', typ: 'JWT' }, claims, TEST_JWT_KEY))).statusCode).toBe(200);
    });

    it.each([
      ['alg none', () => forgeJwt({ alg: 'none', typ: 'JWT' }, claims, '', 'none')],
      ['alg NONE with a signature', () => forgeJwt({ alg: 'NONE', typ: 'JWT' }, claims, TEST_JWT_KEY)],
      ['another algorithm (HS512, right key)', () => forgeJwt({ alg: 'HS512', typ: 'JWT' }, claims, TEST_JWT_KEY, 'sha512')],
      ['HS384 with the right key', () => forgeJwt({ alg: 'HS384', typ: 'JWT' }, claims, TEST_JWT_KEY, 'sha384')],
      ['a wrong key', () => forgeJwt({ alg: 'HS256', typ: 'JWT' }, claims, `${TEST_JWT_KEY}-wrong`)],
      ['expired', () => forgeJwt({ alg: 'HS256', typ: 'JWT' }, { ...claims, exp: Math.floor(nowMs / 1000) - 10 }, TEST_JWT_KEY)],
      ['another user id', () => forgeJwt({ alg: 'HS256', typ: 'JWT' }, { ...claims, sub: '999' }, TEST_JWT_KEY)],
      ['a stale token version', () => forgeJwt({ alg: 'HS256', typ: 'JWT' }, { ...claims, ver: Number(claims.ver) - 1 }, TEST_JWT_KEY)],
      ['garbage', () => 'not.a.jwt'],
    ])('%s', async (_name, make) => {
      const res = await inject('GET', '/api/v1/users', make());
      expect(res.statusCode).toBe(401);
    });

    it('refresh beyond maxRefresh', async () => {
      const old = forgeJwt({ alg: 'HS256', typ: 'JWT' }, { ...claims, orig_iat: Math.floor(nowMs / 1000) - 7201, exp: Math.floor(nowMs / 1000) - 100 }, TEST_JWT_KEY);
      expect((await inject('POST', '/api/v1/users/refresh_token', old)).statusCode).toBe(401);
      // Within maxRefresh an expired token may still refresh, as upstream.
      const recent = forgeJwt({ alg: 'HS256', typ: 'JWT' }, { ...claims, orig_iat: Math.floor(nowMs / 1000) - 7000, exp: Math.floor(nowMs / 1000) - 100 }, TEST_JWT_KEY);
      expect((await inject('POST', '/api/v1/users/refresh_token', recent)).statusCode).toBe(200);
    });

    it('a token in the query string is not accepted', async () => {
      const token = await t.rootToken();
      expect((await inject('GET', `/api/v1/users?token=${token}`)).statusCode).toBe(401);
    });
  });

  it('guests read but cannot write (403); a body cannot make a user root (400)', async () => {
    const root = await t.rootToken();
    const created = await inject('POST', '/api/v1/users', root, { name: 'guest-1', password: 'guest-password-1', email: 'g@example.com' });
    expect(created.statusCode).toBe(201);
    const guestId = (created.json() as { id: number; roles: string[] }).id;
    expect((created.json() as { roles: string[] }).roles).toEqual(['guest']);
    const guest = await t.signIn('guest-1', 'guest-password-1');
    expect((await inject('GET', '/api/v1/scheduler-clusters', guest)).statusCode).toBe(200);
    for (const [method, url, body] of [
      ['POST', '/api/v1/applications', { name: 'app', priority: { value: 1 } }],
      ['POST', '/api/v1/scheduler-clusters', { name: 'c2', config: { candidate_parent_limit: 4, filter_parent_limit: 15 }, client_config: { load_limit: 10 } }],
      ['DELETE', '/api/v1/scheduler-clusters/1', undefined],
      ['PATCH', '/api/v1/schedulers/1', { port: 1 }],
      ['POST', '/api/v1/users', { name: 'evil', password: 'evil-password' }],
      ['PUT', `/api/v1/users/${guestId}/roles/root`, undefined],
      ['POST', '/api/v1/personal-access-tokens', { name: 'x', scopes: ['cluster'], expired_at: new Date(nowMs + 86_400_000).toISOString() }],
    ] as const) {
      const res = await inject(method, url, guest, body);
      expect(res.statusCode, `${method} ${url}`).toBe(403);
    }
    // Editing one's own profile is allowed; smuggling a role in is not.
    expect((await inject('PATCH', `/api/v1/users/${guestId}`, guest, { bio: 'hello' })).statusCode).toBe(200);
    const smuggle = await inject('PATCH', `/api/v1/users/${guestId}`, guest, { bio: 'x', roles: ['root'] });
    expect(smuggle.statusCode).toBe(400);
    expect((await inject('GET', `/api/v1/users/${guestId}/roles`, root)).json()).toEqual(['guest']);
    // Nobody reads secrets: no password hash in user listings.
    const list = await inject('GET', '/api/v1/users', root);
    expect(list.body).not.toMatch(/scrypt|encrypted_password|token_version/);
  });

  it('password change revokes earlier tokens; disabling a user revokes its tokens', async () => {
    const root = await t.rootToken();
    const created = await inject('POST', '/api/v1/users', root, { name: 'changer', password: 'first-password' });
    const id = (created.json() as { id: number }).id;
    const before = await t.signIn('changer', 'first-password');
    expect((await inject('POST', `/api/v1/users/${id}/reset_password`, before, { old_password: 'wrong-password', new_password: 'second-password' })).statusCode).toBe(401);
    expect((await inject('POST', `/api/v1/users/${id}/reset_password`, before, { old_password: 'first-password', new_password: 'second-password' })).statusCode).toBe(204);
    expect((await inject('GET', '/api/v1/users', before)).statusCode).toBe(401);
    const after = await t.signIn('changer', 'second-password');
    expect((await inject('GET', '/api/v1/users', after)).statusCode).toBe(200);
    expect((await inject('PATCH', `/api/v1/users/${id}`, root, { state: 'disable' })).statusCode).toBe(200);
    expect((await inject('GET', '/api/v1/users', after)).statusCode).toBe(401);
    const signIn = await inject('POST', '/api/v1/users/signin', undefined, { name: 'changer', password: 'second-password' });
    expect(signIn.statusCode).toBe(401);
  });

  it('throttles failed sign-ins per user name with 429 and Retry-After, also for the right password', async () => {
    const root = await t.rootToken();
    await inject('POST', '/api/v1/users', root, { name: 'target', password: 'target-password' });
    for (let i = 0; i < 3; i++) {
      const res = await t.manager.rest.inject({ method: 'POST', url: '/api/v1/users/signin', payload: { name: 'target', password: `wrong-${i}-pass` }, remoteAddress: `10.9.0.${i}` });
      expect(res.statusCode).toBe(401);
    }
    const locked = await t.manager.rest.inject({ method: 'POST', url: '/api/v1/users/signin', payload: { name: 'target', password: 'target-password' }, remoteAddress: '10.9.0.99' });
    expect(locked.statusCode).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(locked.headers['retry-after'])).toBeLessThanOrEqual(60);
    nowMs += 61_000;
    const later = await t.manager.rest.inject({ method: 'POST', url: '/api/v1/users/signin', payload: { name: 'target', password: 'target-password' }, remoteAddress: '10.9.0.99' });
    expect(later.statusCode).toBe(200);
  });

  it('throttles failed sign-ins per client IP across user names', async () => {
    const ip = '10.8.0.1';
    for (let i = 0; i < 8; i++) {
      const res = await t.manager.rest.inject({ method: 'POST', url: '/api/v1/users/signin', payload: { name: `nobody-${i}`, password: 'whatever-pass' }, remoteAddress: ip });
      expect(res.statusCode).toBe(401);
    }
    const res = await t.manager.rest.inject({ method: 'POST', url: '/api/v1/users/signin', payload: { name: 'root', password: ROOT_PASSWORD }, remoteAddress: ip });
    expect(res.statusCode).toBe(429);
    expect(res.headers['retry-after']).toBeDefined();
    // Another IP is not affected.
    const other = await t.manager.rest.inject({ method: 'POST', url: '/api/v1/users/signin', payload: { name: 'root', password: ROOT_PASSWORD }, remoteAddress: '10.8.0.2' });
    expect(other.statusCode).toBe(200);
  });
});

describe('first start without DRAGONFLY_INITIAL_ROOT_PASSWORD', () => {
  it('prints a random root password once and forces a change before anything else', async () => {
    const t = await startTestManager({ initialRootPassword: null });
    try {
      expect(t.printed).toHaveLength(1);
      const password = /\n {4}(\S+)\n/.exec(t.printed[0] ?? '')?.[1] ?? '';
      expect(password.length).toBeGreaterThanOrEqual(20);
      expect(password).not.toBe('dragonfly');
      const token = await t.signIn('root', password);
      const blocked = await t.manager.rest.inject({ method: 'GET', url: '/api/v1/scheduler-clusters', headers: bearer(token) });
      expect(blocked.statusCode).toBe(403);
      expect((blocked.json() as { code: string }).code).toBe('DF_ERR_MANAGER_PASSWORD_CHANGE_REQUIRED');
      const change = await t.manager.rest.inject({
        method: 'POST',
        url: '/api/v1/users/1/reset_password',
        headers: bearer(token),
        payload: { old_password: password, new_password: 'a-brand-new-password' },
      });
      expect(change.statusCode).toBe(204);
      const fresh = await t.signIn('root', 'a-brand-new-password');
      expect((await t.manager.rest.inject({ method: 'GET', url: '/api/v1/scheduler-clusters', headers: bearer(fresh) })).statusCode).toBe(200);
    } finally {
      await t.stop();
    }
  });
});

describe('sign-in timing', () => {
  it('a wrong user name takes about as long as a wrong password (production scrypt cost)', async () => {
    const t = await startTestManager({ passwordCost: { N: 32768, r: 8, p: 1 } });
    try {
      const attempt = async (name: string, ip: string): Promise<number> => {
        const start = process.hrtime.bigint();
        const res = await t.manager.rest.inject({ method: 'POST', url: '/api/v1/users/signin', payload: { name, password: 'definitely-wrong' }, remoteAddress: ip });
        expect(res.statusCode).toBe(401);
        expect(res.json()).toEqual({ code: 'DF_ERR_MANAGER_UNAUTHORIZED', message: 'invalid user name or password' });
        return Number(process.hrtime.bigint() - start) / 1e6;
      };
      const wrongPassword: number[] = [];
      const unknownUser: number[] = [];
      // Five rounds and their medians: one scheduling hiccup on a loaded CI machine moves neither.
      for (let i = 0; i < 5; i++) {
        wrongPassword.push(await attempt('root', `10.6.0.${i}`));
        unknownUser.push(await attempt(`nobody-${i}`, `10.6.1.${i}`));
      }
      const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[2] ?? 0;
      expect(median(wrongPassword)).toBeGreaterThan(10);
      // Without the dummy verification an unknown name answers in well under a millisecond: ~0.01×.
      expect(median(unknownUser) / median(wrongPassword)).toBeGreaterThan(0.4);
      expect(median(unknownUser) / median(wrongPassword)).toBeLessThan(2.5);
    } finally {
      await t.stop();
    }
  });
});
