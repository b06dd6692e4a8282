import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@d7y/logger';
import { TlsSource, createCa, issueCertificate } from '@d7y/tls';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { managerConfigSchema } from '../config/manager-config.js';
import { startManager } from '../main.js';
import type { RunningManager } from '../main.js';
import { CONSOLE_CSP, registerConsole } from './console-plugin.js';
import { CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE, csrfTokenFor } from './console-session-cookie.js';

const unused = () => Promise.reject(new Error('not used by static routes'));
const noAuth = { tokens: { authenticate: unused, refresh: unused, revoke: unused }, users: { signIn: unused } };

describe('console static files', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'd7y-console-dist-'));
    mkdirSync(join(dir, 'assets', 'pages'), { recursive: true });
    writeFileSync(join(dir, 'index.html'), '<html><head><meta name="d7y-realm" content="Dragonfly"></head></html>');
    writeFileSync(join(dir, 'assets', 'main.js'), 'export {};');
    writeFileSync(join(dir, 'assets', 'pages', 'a.js'), 'export const a = 1;');
    writeFileSync(join(dir, 'assets', 'main.js.map'), '{}');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves the page with the realm escaped, its modules, strict headers, and nothing else', async () => {
    const app = Fastify();
    registerConsole(app as never, { ...noAuth, realm: 'Ops <"prod">', maxRefreshMs: 1000, distDir: dir });
    const page = await app.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('<meta name="d7y-realm" content="Ops &#60;&#34;prod&#34;&#62;">');
    expect(page.headers['content-security-policy']).toBe(CONSOLE_CSP);
    expect(CONSOLE_CSP).toContain("frame-ancestors 'none'");
    expect(CONSOLE_CSP).toContain("script-src 'self'");
    expect(CONSOLE_CSP).not.toContain('unsafe');
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    // Plain http: no HSTS (it would be ignored, and must not pin a host that has no TLS).
    expect(page.headers['strict-transport-security']).toBeUndefined();

    const js = await app.inject({ method: 'GET', url: '/assets/pages/a.js?v=1' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.body).toBe('export const a = 1;');
    for (const url of ['/assets/main.js.map', '/assets/../index.html', '/assets/%2e%2e/index.html', '/assets/nope.js']) {
      expect((await app.inject({ method: 'GET', url })).statusCode, url).toBe(404);
    }
    await app.close();
  });

  it('explains how to build the console when it is not built', async () => {
    const app = Fastify();
    registerConsole(app as never, { ...noAuth, realm: 'Dragonfly', maxRefreshMs: 1000, distDir: join(dir, 'missing') });
    const page = await app.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(503);
    expect(page.body).toContain('pnpm --filter @d7y/console build');
    await app.close();
  });
});

/** Cookies from Set-Cookie headers, as a browser would send them back. */
function cookiesOf(setCookie: string | string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of Array.isArray(setCookie) ? setCookie : setCookie === undefined ? [] : [setCookie]) {
    const [pair] = c.split(';');
    const eq = (pair ?? '').indexOf('=');
    out[(pair ?? '').slice(0, eq)] = (pair ?? '').slice(eq + 1);
  }
  return out;
}

const ROOT_PASSWORD = 'console-test-root-password';

describe('console cookie session against a real manager', () => {
  let manager: RunningManager;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'd7y-console-manager-'));
    const config = managerConfigSchema.parse({
      server: { dataDir, rest: { addr: '127.0.0.1:0' }, grpc: { tlsDir: join(dataDir, 'certs'), listenIP: '127.0.0.1', port: { start: 0, end: 0 } } },
      auth: { jwt: { key: 'console-test-hmac-key-0123456789abcdefghijklmnopqrstuvwxyz' } },
    });
    const ca = createCa({ commonName: 'console test CA' });
    const leaf = issueCertificate(ca, { commonName: 'manager', role: 'manager', usage: 'dual', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
    manager = await startManager(config, {
      grpcTls: TlsSource.fromPem({ ca: ca.certPem, cert: leaf.certPem, key: leaf.keyPem }),
      logger: createLogger({ level: 'silent' }),
      initialRootPassword: ROOT_PASSWORD,
      print: () => undefined,
      // Cheap scrypt for tests (production default N=32768).
      passwordCost: { N: 1024, r: 8, p: 1 },
    });
  });
  afterAll(async () => {
    await manager?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const signIn = async (password = ROOT_PASSWORD) =>
    manager.rest.inject({ method: 'POST', url: '/console/session', headers: { origin: 'http://localhost:80' }, payload: { name: 'root', password } });
  const cookieHeader = (jar: Record<string, string>) => Object.entries(jar).map(([k, v]) => `${k}=${v}`).join('; ');

  it('signs in with HttpOnly Secure SameSite=Strict cookies, never returning the token in the body', async () => {
    const bad = await signIn('wrong-password');
    expect(bad.statusCode).toBe(401);
    expect(bad.headers['set-cookie']).toBeUndefined();

    const res = await signIn();
    expect(res.statusCode).toBe(200);
    const body = res.json() as { user: { name: string; roles: string[] }; expire: string; refresh_until: string; token?: string };
    expect(body.user.name).toBe('root');
    expect(body.user.roles).toContain('root');
    expect(body.token).toBeUndefined();
    // The session can be refreshed for auth.jwt.maxRefresh (default 7 days) after sign-in.
    expect(Math.abs(Date.parse(body.refresh_until) - (Date.now() + 7 * 24 * 3_600_000))).toBeLessThan(60_000);
    expect(Date.parse(body.expire)).toBeGreaterThan(Date.now());
    const set = res.headers['set-cookie'] as string[];
    const session = set.find((c) => c.startsWith(`${SESSION_COOKIE}=`)) ?? '';
    const csrf = set.find((c) => c.startsWith(`${CSRF_COOKIE}=`)) ?? '';
    expect(session).toMatch(/; Path=\/; Max-Age=\d+; HttpOnly; Secure; SameSite=Strict$/);
    expect(csrf).toMatch(/; Path=\/; Max-Age=\d+; Secure; SameSite=Strict$/);
    expect(csrf).not.toContain('HttpOnly');
    const jar = cookiesOf(set);
    expect(jar[CSRF_COOKIE]).toBe(csrfTokenFor(jar[SESSION_COOKIE] ?? ''));
  });

  it('authenticates API reads by cookie, and writes only with the CSRF token from a same-origin page', async () => {
    const jar = cookiesOf((await signIn()).headers['set-cookie']);
    const cookie = cookieHeader(jar);
    const csrf = jar[CSRF_COOKIE] ?? '';
    expect((await manager.rest.inject({ method: 'GET', url: '/api/v1/scheduler-clusters', headers: { cookie } })).statusCode).toBe(200);
    expect(((await manager.rest.inject({ method: 'GET', url: '/console/session', headers: { cookie } })).json() as { user: { name: string } }).user.name).toBe('root');

    const app = (n: number) => ({ name: `app-${n}`, priority: { value: 0 } });
    const write = (headers: Record<string, string>, n: number) => manager.rest.inject({ method: 'POST', url: '/api/v1/applications', headers: { cookie, ...headers }, payload: app(n) });
    const refusals: [string, Record<string, string>][] = [
      ['no CSRF header', {}],
      ['wrong CSRF header', { [CSRF_HEADER]: csrfTokenFor('another.jwt.value') }],
      ['foreign Origin', { [CSRF_HEADER]: csrf, origin: 'https://evil.example' }],
      ['cross-site fetch', { [CSRF_HEADER]: csrf, 'sec-fetch-site': 'cross-site' }],
    ];
    for (const [why, headers] of refusals) {
      const res = await write(headers, 1);
      expect(res.statusCode, why).toBe(403);
    }
    expect((await write({ [CSRF_HEADER]: csrf, origin: 'http://localhost:80', 'sec-fetch-site': 'same-origin' }, 2)).statusCode).toBe(201);
    // Cross-site reads with the cookie are refused too (SameSite=Strict keeps browsers from sending it; this is the belt).
    expect((await manager.rest.inject({ method: 'GET', url: '/api/v1/applications', headers: { cookie, 'sec-fetch-site': 'cross-site' } })).statusCode).toBe(403);
    // A bearer header wins over a cookie: API clients are unaffected by it.
    expect((await manager.rest.inject({ method: 'POST', url: '/api/v1/applications', headers: { cookie, authorization: 'Bearer nonsense' }, payload: app(3) })).statusCode).toBe(401);
  });

  it('refreshes with the CSRF token, and signing out ends the session on the server', async () => {
    const jar = cookiesOf((await signIn()).headers['set-cookie']);
    const cookie = cookieHeader(jar);
    expect((await manager.rest.inject({ method: 'POST', url: '/console/session/refresh', headers: { cookie } })).statusCode).toBe(403);
    const refreshed = await manager.rest.inject({ method: 'POST', url: '/console/session/refresh', headers: { cookie, [CSRF_HEADER]: jar[CSRF_COOKIE] ?? '' } });
    expect(refreshed.statusCode).toBe(200);
    const jar2 = cookiesOf(refreshed.headers['set-cookie']);
    expect(jar2[CSRF_COOKIE]).toBe(csrfTokenFor(jar2[SESSION_COOKIE] ?? ''));
    const cookie2 = cookieHeader(jar2);

    const out = await manager.rest.inject({ method: 'DELETE', url: '/console/session', headers: { cookie: cookie2, [CSRF_HEADER]: jar2[CSRF_COOKIE] ?? '' } });
    expect(out.statusCode).toBe(204);
    expect(out.headers['set-cookie']).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^${SESSION_COOKIE}=; Path=/; Max-Age=0`))]));
    // Both the refreshed token and the one before it are dead.
    for (const c of [cookie, cookie2]) {
      expect((await manager.rest.inject({ method: 'GET', url: '/api/v1/scheduler-clusters', headers: { cookie: c } })).statusCode).toBe(401);
    }
    expect((await manager.rest.inject({ method: 'POST', url: '/console/session/refresh', headers: { cookie: cookie2, [CSRF_HEADER]: jar2[CSRF_COOKIE] ?? '' } })).statusCode).toBe(401);
  });

  it('refuses cookie sign-in over plain http to a non-loopback host, saying why', async () => {
    const res = await manager.rest.inject({ method: 'POST', url: '/console/session', headers: { host: 'manager.example:8080' }, payload: { name: 'root', password: ROOT_PASSWORD } });
    expect(res.statusCode).toBe(403);
    expect((res.json() as { message: string }).message).toContain('HTTPS only');
  });
});
