import { execFileSync } from 'node:child_process';
import { createHash, createPublicKey } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCa, issueCertificate } from '@d7y/tls';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_PASSWORD, startTestManager } from '../../manager/test/manager-fixture.js';
import type { TestManager } from '../../manager/test/manager-fixture.js';

// The console in a real browser (Debian's chromium through playwright-core) against a real manager
// over HTTPS with a certificate from a test CA. Screenshots of every page land in test/artifacts/.

const CONSOLE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
const ARTIFACTS = join(CONSOLE_DIR, 'test', 'artifacts');
const CHROMIUM = '/usr/bin/chromium';
const GUEST = { name: 'viewer', first: 'viewer-temporary-1', next: 'viewer-chosen-pass-2' };

/** base64(sha256(SubjectPublicKeyInfo)): pins exactly this test certificate, nothing else. */
const spkiHash = (certPem: string): string => createHash('sha256').update(createPublicKey(certPem).export({ type: 'spki', format: 'der' })).digest('base64');

describe('console in chromium over HTTPS', () => {
  let t: TestManager;
  let context: BrowserContext;
  let page: Page;
  let base: string;
  let profile: string;
  const pageErrors: string[] = [];

  const shot = async (name: string): Promise<void> => {
    // The whole page: grow the viewport to the document (a stitched full-page capture would
    // repeat the sticky bars), then restore it.
    const size = page.viewportSize() ?? { width: 1280, height: 800 };
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    if (height > size.height) await page.setViewportSize({ width: size.width, height });
    await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
    if (height > size.height) await page.setViewportSize(size);
  };
  const heading = (text: string) => page.getByRole('heading', { level: 1, name: text });
  const goto = async (hash: string, title: string): Promise<void> => {
    await page.evaluate((h) => (location.hash = h), hash);
    await heading(title).waitFor();
    // Rendered (tables or empty states), not just the loading line.
    await page.locator('.loading').waitFor({ state: 'detached' });
  };
  const signIn = async (name: string, password: string): Promise<void> => {
    await page.getByLabel('User name').fill(name);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  };
  const inject = (method: string, url: string, headers: Record<string, string>, payload?: object) =>
    t.manager.rest.inject({ method: method as 'GET', url, headers, ...(payload === undefined ? {} : { payload }) });

  beforeAll(async () => {
    // Build the console from source so the test always runs the current code.
    const require = createRequire(import.meta.url);
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: CONSOLE_DIR, stdio: 'inherit' });
    execFileSync(process.execPath, ['scripts/copy-static.mjs'], { cwd: CONSOLE_DIR, stdio: 'inherit' });
    mkdirSync(ARTIFACTS, { recursive: true });

    const ca = createCa({ commonName: 'console test CA' });
    const leaf = issueCertificate(ca, { commonName: 'localhost', role: 'manager', usage: 'server', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
    const tlsDir = mkdtempSync(join(tmpdir(), 'd7y-console-tls-'));
    writeFileSync(join(tlsDir, 'tls.crt'), leaf.certPem);
    writeFileSync(join(tlsDir, 'tls.key'), leaf.keyPem, { mode: 0o600 });
    t = await startTestManager({ config: { server: { rest: { tls: { cert: join(tlsDir, 'tls.crt'), key: join(tlsDir, 'tls.key') } } }, auth: { jwt: { realm: 'Dragonfly test cluster' } } } });
    rmSync(tlsDir, { recursive: true, force: true });
    base = t.manager.restUrl.replace('127.0.0.1', 'localhost');

    // Things to look at: a scheduler and a seed peer registered, a guest whose password was reset by root.
    const root = { authorization: `Bearer ${await t.rootToken()}` };
    expect((await inject('POST', '/api/v1/schedulers', root, { host_name: 'scheduler-1', ip: '10.0.0.11', port: 8002, scheduler_cluster_id: 1, features: ['schedule', 'preheat'] })).statusCode).toBe(201);
    expect((await inject('POST', '/api/v1/seed-peers', root, { host_name: 'seed-1', ip: '10.0.0.21', port: 4000, download_port: 4005, seed_peer_cluster_id: 1 })).statusCode).toBe(201);
    const guest = await inject('POST', '/api/v1/users', root, { name: GUEST.name, password: 'viewer-initial-0', roles: ['guest'] });
    expect(guest.statusCode).toBe(201);
    const guestId = (guest.json() as { id: number }).id;
    expect((await inject('POST', `/api/v1/users/${guestId}/reset_password`, root, { new_password: GUEST.first })).statusCode).toBe(204);

    profile = mkdtempSync(join(tmpdir(), 'd7y-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 800 },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        `--ignore-certificate-errors-spki-list=${spkiHash(leaf.certPem)}`,
      ],
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (err) => pageErrors.push(`pageerror: ${err.message}`));
    page.on('console', (msg) => {
      // 401/403 answers are logged by the browser as failed loads; anything else is a defect (CSP violations included).
      if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) pageErrors.push(msg.text());
    });
  }, 90_000);

  afterAll(async () => {
    await context?.close();
    await t?.stop();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('serves the sign-in page with strict security headers and the configured realm', async () => {
    const res = await page.goto(`${base}/`);
    expect(res?.status()).toBe(200);
    const headers = res?.headers() ?? {};
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(headers['content-security-policy']).toContain("script-src 'self'");
    expect(headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(headers['strict-transport-security']).toMatch(/^max-age=\d+/);
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['referrer-policy']).toBe('no-referrer');
    await heading('Sign in').waitFor();
    await expect(page.getByText('Dragonfly test cluster').first().isVisible()).resolves.toBe(true);
    await shot('01-sign-in');

    await signIn('root', 'not-the-password');
    await page.getByRole('alert').filter({ hasText: 'invalid user name or password' }).waitFor();
    await shot('02-sign-in-error');
  });

  it('signs in as root into an HttpOnly, Secure, SameSite=Strict cookie session', async () => {
    await signIn('root', ROOT_PASSWORD);
    await heading('Overview').waitFor();
    await page.locator('.stat').first().waitFor();
    const cookies = await context.cookies(base);
    const session = cookies.find((c) => c.name === '__Host-d7y_session');
    expect(session).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict', path: '/' });
    // Script cannot read the session token; it only sees the CSRF token.
    const visible = await page.evaluate(() => document.cookie);
    expect(visible).not.toContain('__Host-d7y_session');
    expect(visible).toContain('__Host-d7y_csrf=');
    // No token in the URL or in storage.
    expect(page.url()).not.toContain(session?.value.slice(0, 20) ?? 'x');
    expect(await page.evaluate(() => localStorage.length + sessionStorage.length)).toBe(0);
    await shot('03-overview');
  });

  it('shows every page, and writes carry the CSRF token (a bare cookie write is refused)', async () => {
    await goto('#/clusters', 'Scheduler clusters');
    await page.getByRole('link', { name: 'cluster-1' }).first().waitFor();
    await shot('04-clusters');
    await page.getByRole('link', { name: 'cluster-1' }).first().click();
    await heading('cluster-1').waitFor();
    await page.getByRole('button', { name: 'Save changes' }).waitFor();
    await page.getByLabel('Candidate parents').fill('5');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Saved.').waitFor();
    await shot('05-cluster-detail');

    await goto('#/schedulers', 'Schedulers');
    await page.getByRole('cell', { name: 'scheduler-1' }).waitFor();
    await shot('06-schedulers');
    await goto('#/seed-peers', 'Seed peers');
    await page.getByRole('cell', { name: 'seed-1' }).waitFor();
    await shot('07-seed-peers');

    await goto('#/applications', 'Applications');
    await shot('08-applications-empty');
    await page.getByRole('button', { name: 'New application' }).click();
    await page.getByRole('dialog').getByLabel('Name').fill('registry-mirror');
    await page.getByRole('dialog').getByLabel('Priority').selectOption('3');
    await page.getByRole('button', { name: 'Create application' }).click();
    await page.getByRole('cell', { name: 'registry-mirror' }).waitFor();
    await shot('09-applications');
    // A clear error for a failed action: the name is taken.
    await page.getByRole('button', { name: 'New application' }).click();
    await page.getByRole('dialog').getByLabel('Name').fill('registry-mirror');
    await page.getByRole('button', { name: 'Create application' }).click();
    await page.getByRole('dialog').getByRole('alert').waitFor();
    expect(await page.getByRole('dialog').getByRole('alert').textContent()).toMatch(/exists|taken|already/i);
    await shot('10-application-error');
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();

    // The browser itself: a cookie-authenticated write without the CSRF header is refused.
    const bare = await page.evaluate(async () => {
      const r = await fetch('/api/v1/applications', { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'no-csrf', priority: { value: 0 } }) });
      return r.status;
    });
    expect(bare).toBe(403);

    await goto('#/users', 'Users and roles');
    await page.getByRole('cell', { name: /viewer/ }).waitFor();
    await shot('11-users');
  });

  it('lists jobs and offers the preheat form', async () => {
    await goto('#/jobs', 'Jobs');
    const jobsApi = await page.getByRole('button', { name: 'New preheat' }).count();
    if (jobsApi > 0) {
      await shot('12-jobs');
      await page.getByRole('button', { name: 'New preheat' }).click();
      await page.getByRole('dialog').getByLabel('URL').fill('https://registry.invalid/v2/library/alpine/blobs/x');
      await page.getByRole('button', { name: 'Start preheat' }).click();
      // Checked in the page before anything is sent.
      await page.getByRole('dialog').getByText('must be a manifest URL').waitFor();
      await shot('13-preheat-form');
      await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    } else {
      // This manager has no jobs API: the page says so instead of failing.
      await page.getByText('does not offer the jobs API').waitFor();
      await shot('12-jobs-unavailable');
    }
  });

  it('creates a personal access token shown once, which works until revoked', async () => {
    await goto('#/tokens', 'Personal access tokens');
    await shot('14-tokens-empty');
    await page.getByRole('button', { name: 'New token' }).click();
    await page.getByRole('dialog').getByLabel('Name').fill('ci-preheat');
    await page.getByRole('dialog').getByText(/^cluster/).click();
    await page.getByRole('button', { name: 'Create token' }).click();
    const value = page.getByLabel('New token');
    await value.waitFor();
    const token = await value.inputValue();
    expect(token).toMatch(/^dfp_/);
    await shot('15-token-created');
    expect((await inject('GET', '/oapi/v1/clusters', { authorization: `Bearer ${token}` })).statusCode).toBe(200);
    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('cell', { name: /ci-preheat/ }).waitFor();
    // Never shown again: the listing has no secret.
    expect(await page.content()).not.toContain(token);
    await shot('16-tokens');

    await page.getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
    await page.getByText('Token ci-preheat revoked.').waitFor();
    await page.getByText('No tokens').waitFor();
    expect((await inject('GET', '/oapi/v1/clusters', { authorization: `Bearer ${token}` })).statusCode).toBe(401);
  });

  it('looks right on a phone and on a wide screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await goto('#/overview', 'Overview');
    await shot('17-overview-390');
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Schedulers' }).waitFor();
    await shot('18-menu-390');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Schedulers' }).click();
    await heading('Schedulers').waitFor();
    await shot('19-schedulers-390');
    // Nothing wider than the screen except inside scrolling tables.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.setViewportSize({ width: 1920, height: 1080 });
    await goto('#/overview', 'Overview');
    await shot('20-overview-1920');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('signs out: the pages close and the old cookie is dead on the server', async () => {
    const old = (await context.cookies(base)).filter((c) => c.name.startsWith('__Host-d7y_')).map((c) => `${c.name}=${c.value}`).join('; ');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await heading('Sign in').waitFor();
    await page.getByText('You signed out.').waitFor();
    expect((await context.cookies(base)).filter((c) => c.name === '__Host-d7y_session')).toEqual([]);
    await page.goto(`${base}/#/tokens`);
    await heading('Sign in').waitFor();
    expect(await heading('Personal access tokens').count()).toBe(0);
    expect(await page.evaluate(async () => (await fetch('/api/v1/users', { credentials: 'same-origin' })).status)).toBe(401);
    // Replaying the cookie captured before sign-out does not work either: the session was revoked.
    expect((await inject('GET', '/api/v1/users', { cookie: old })).statusCode).toBe(401);
  });

  it('makes a guest change the reset password, then shows no write controls, and the API refuses its writes', async () => {
    await signIn(GUEST.name, GUEST.first);
    await heading('Choose a new password').waitFor();
    await shot('21-password-change');
    await page.getByLabel('Current password').fill(GUEST.first);
    await page.getByLabel('New password', { exact: true }).fill(GUEST.next);
    await page.getByLabel('New password again').fill(GUEST.next);
    await page.getByRole('button', { name: 'Change password' }).click();
    // Back where the guest was going (the deep link #/tokens survives the sign-in).
    await heading('Personal access tokens').waitFor();
    await goto('#/overview', 'Overview');
    await shot('22-guest-overview');

    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).count()).toBe(0);
    for (const [hash, title] of [
      ['#/clusters', 'Scheduler clusters'],
      ['#/applications', 'Applications'],
      ['#/jobs', 'Jobs'],
      ['#/tokens', 'Personal access tokens'],
      ['#/schedulers', 'Schedulers'],
    ] as const) {
      await goto(hash, title);
      expect(await page.locator('.content').getByRole('button', { name: /^(New|Delete|Remove|Revoke|Edit|Save)/ }).count(), hash).toBe(0);
    }
    await goto('#/clusters/1', 'cluster-1');
    expect(await page.getByRole('button', { name: 'Save changes' }).count()).toBe(0);
    expect(await page.getByLabel('Candidate parents').isDisabled()).toBe(true);
    await shot('23-guest-cluster');

    // Even with a valid CSRF token from its own session, the API refuses a guest's write.
    const status = await page.evaluate(async () => {
      const csrf = document.cookie.split('; ').find((c) => c.startsWith('__Host-d7y_csrf='))?.slice('__Host-d7y_csrf='.length) ?? '';
      const r = await fetch('/api/v1/applications', { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json', 'x-csrf-token': csrf }, body: JSON.stringify({ name: 'guest-app', priority: { value: 0 } }) });
      return r.status;
    });
    expect(status).toBe(403);
  });

  it('logged no script errors and no CSP violations', () => {
    expect(pageErrors).toEqual([]);
  });
});
