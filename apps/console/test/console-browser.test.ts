import { execFileSync } from 'node:child_process';
import { createHash, createPublicKey } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from '@d7y/logger';
import { managerConfigSchema, startManager } from '@d7y/manager';
import type { RunningManager } from '@d7y/manager';
import { TlsSource, createCa, issueCertificate } from '@d7y/tls';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSeedPeer } from '../../manager/test/jobs-fake-seed-peer.js';
import type { FakeSeedPeer } from '../../manager/test/jobs-fake-seed-peer.js';
import { buildMultiArchLayout, pushWithSkopeo, startRegistry } from '../../manager/test/jobs-registry.js';
import type { RunningRegistry } from '../../manager/test/jobs-registry.js';
import { ROOT_PASSWORD, TEST_JWT_KEY, TEST_PASSWORD_COST } from '../../manager/test/manager-fixture.js';

// The console in a real browser (Debian's chromium through playwright-core) against a real manager
// over HTTPS with a certificate from a test CA. Preheat runs against Docker's registry (Debian
// docker-registry, image pushed by skopeo) behind its own CA; the seed peer is the manager tests'
// stand-in DfdaemonUpload server over mTLS, which fetches from the registry itself.
// Screenshots of every page land in test/artifacts/.

const CONSOLE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
const ARTIFACTS = join(CONSOLE_DIR, 'test', 'artifacts');
const CHROMIUM = '/usr/bin/chromium';
const GUEST = { name: 'viewer', first: 'viewer-temporary-1', next: 'viewer-chosen-pass-2' };

/** base64(sha256(SubjectPublicKeyInfo)): pins exactly this test certificate, nothing else. */
const spkiHash = (certPem: string): string => createHash('sha256').update(createPublicKey(certPem).export({ type: 'spki', format: 'der' })).digest('base64');

describe('console in chromium over HTTPS', () => {
  let manager: RunningManager;
  let registry: RunningRegistry;
  let seed: FakeSeedPeer;
  let work: string;
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
  const heading = (text: string | RegExp) => page.getByRole('heading', { level: 1, name: text });
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
  let registryHost = '';
  let root: Record<string, string> = {};
  const inject = (method: string, url: string, headers: Record<string, string>, payload?: object) =>
    manager.rest.inject({ method: method as 'GET', url, headers, ...(payload === undefined ? {} : { payload }) });

  beforeAll(async () => {
    // Build the console from source so the test always runs the current code.
    const require = createRequire(import.meta.url);
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: CONSOLE_DIR, stdio: 'inherit' });
    execFileSync(process.execPath, ['scripts/copy-static.mjs'], { cwd: CONSOLE_DIR, stdio: 'inherit' });
    mkdirSync(ARTIFACTS, { recursive: true });

    work = mkdtempSync(join(tmpdir(), 'd7y-console-e2e-'));
    const ca = createCa({ commonName: 'console test CA' });
    const leaf = issueCertificate(ca, { commonName: 'localhost', role: 'manager', usage: 'server', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
    writeFileSync(join(work, 'tls.crt'), leaf.certPem);
    writeFileSync(join(work, 'tls.key'), leaf.keyPem, { mode: 0o600 });

    // The registry, behind a private CA the manager is told to trust, holding a multi-arch image.
    const registryCa = createCa({ commonName: 'registry CA' });
    const registryLeaf = issueCertificate(registryCa, { commonName: 'registry', role: 'manager', usage: 'server', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
    writeFileSync(join(work, 'registry.crt'), registryLeaf.certPem);
    writeFileSync(join(work, 'registry.key'), registryLeaf.keyPem, { mode: 0o600 });
    writeFileSync(join(work, 'registry-ca.crt'), registryCa.certPem);
    mkdirSync(join(work, 'skopeo-certs'));
    writeFileSync(join(work, 'skopeo-certs', 'ca.crt'), registryCa.certPem);
    mkdirSync(join(work, 'registry'));
    registry = await startRegistry({ dir: join(work, 'registry'), certFile: join(work, 'registry.crt'), keyFile: join(work, 'registry.key') });
    const image = buildMultiArchLayout(join(work, 'layout'), 'v1');
    await pushWithSkopeo({ layoutDir: image.layoutDir, tag: 'v1', destination: `${registry.host}/demo/app:v1`, certDir: join(work, 'skopeo-certs') });

    // Cluster mTLS: the manager dials seed peers with a certificate of this CA.
    const clusterCa = createCa({ commonName: 'cluster CA' });
    seed = await startFakeSeedPeer({ ca: clusterCa, hostname: 'seed-1', registryCaPem: registryCa.certPem });
    const identity = issueCertificate(clusterCa, { commonName: 'manager', role: 'manager', usage: 'dual', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
    const dataDir = join(work, 'data');
    const config = managerConfigSchema.parse({
      server: {
        dataDir,
        rest: { addr: '127.0.0.1:0', tls: { cert: join(work, 'tls.crt'), key: join(work, 'tls.key') } },
        grpc: { tlsDir: join(dataDir, 'certs'), listenIP: '127.0.0.1', port: { start: 0, end: 0 } },
      },
      // maxRefresh short enough that the page's silent refresh falls due within the test (on a fast-forwarded page clock).
      auth: { jwt: { key: TEST_JWT_KEY, realm: 'Dragonfly test cluster', maxRefresh: '2m' } },
      job: { preheat: { allowList: ['127.0.0.1'], tls: { caCert: join(work, 'registry-ca.crt') } } },
    });
    manager = await startManager(config, {
      grpcTls: TlsSource.fromPem({ ca: clusterCa.certPem, cert: identity.certPem, key: identity.keyPem }),
      logger: createLogger({ level: 'silent' }),
      initialRootPassword: ROOT_PASSWORD,
      print: () => undefined,
      passwordCost: TEST_PASSWORD_COST,
    });
    base = manager.restUrl.replace('127.0.0.1', 'localhost');

    // Things to look at: a scheduler and the seed peer registered, a guest whose password root reset.
    const signedIn = await inject('POST', '/api/v1/users/signin', {}, { name: 'root', password: ROOT_PASSWORD });
    root = { authorization: `Bearer ${(signedIn.json() as { token: string }).token}` };
    expect((await inject('POST', '/api/v1/schedulers', root, { host_name: 'scheduler-1', ip: '10.0.0.11', port: 8002, scheduler_cluster_id: 1, features: ['schedule', 'preheat'] })).statusCode).toBe(201);
    expect((await inject('POST', '/api/v1/seed-peers', root, { host_name: seed.hostname, ip: '127.0.0.1', port: seed.port, download_port: seed.port, seed_peer_cluster_id: 1 })).statusCode).toBe(201);
    // A seed peer turns active through its KeepAlive stream; set here as that stream would.
    await manager.database.db.updateTable('seed_peers').set({ state: 'active' }).where('host_name', '=', seed.hostname).execute();
    const guest = await inject('POST', '/api/v1/users', root, { name: GUEST.name, password: 'viewer-initial-0', roles: ['guest'] });
    expect(guest.statusCode).toBe(201);
    const guestId = (guest.json() as { id: number }).id;
    expect((await inject('POST', `/api/v1/users/${guestId}/reset_password`, root, { new_password: GUEST.first })).statusCode).toBe(204);
    registryHost = registry.host;

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
    // The page's clock runs in real time but can be fast-forwarded (silent refresh).
    await page.clock.install();
    // Fail with the locator's message well before the test's own timeout.
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (err) => pageErrors.push(`pageerror: ${err.message}`));
    page.on('console', (msg) => {
      // 401/403 answers are logged by the browser as failed loads; anything else is a defect (CSP violations included).
      if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) pageErrors.push(msg.text());
    });
  }, 90_000);

  afterAll(async () => {
    await context?.close();
    await manager?.stop();
    await seed?.stop();
    await registry?.stop();
    for (const dir of [profile, work]) if (dir) rmSync(dir, { recursive: true, force: true });
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

  it('refreshes the session silently before it can no longer be refreshed', async () => {
    const before = (await context.cookies(base)).find((c) => c.name === '__Host-d7y_session')?.value;
    const refreshed = page.waitForResponse((r) => r.url().endsWith('/console/session/refresh') && r.request().method() === 'POST');
    // maxRefresh is 2 min: the page refreshes 1 min before that.
    await page.clock.fastForward(61_000);
    const res = await refreshed;
    expect(res.status()).toBe(200);
    const after = (await context.cookies(base)).find((c) => c.name === '__Host-d7y_session')?.value;
    expect(after).toBeDefined();
    // Same session, fresh token (unless both fell into one second of issue time).
    const claims = (jwt: string | undefined) => JSON.parse(Buffer.from((jwt ?? '').split('.')[1] ?? '', 'base64url').toString()) as { sid: string; iat: number };
    expect(claims(after).sid).toBe(claims(before).sid);
    expect(claims(after).iat).toBeGreaterThanOrEqual(claims(before).iat);
    await heading('Overview').waitFor();
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
    await page.getByText('active', { exact: true }).first().waitFor();
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
    // Long listings come in pages.
    for (let i = 1; i <= 29; i++) expect((await inject('POST', '/api/v1/applications', root, { name: `app-${String(i).padStart(2, '0')}`, priority: { value: 0 } })).statusCode).toBe(201);
    await goto('#/applications?page=1', 'Applications');
    await page.getByText('Showing 1–25 of 30').waitFor();
    await page.getByRole('link', { name: 'Next' }).click();
    await page.getByText('Showing 26–30 of 30').waitFor();
    await shot('10b-applications-page-2');

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

  it('preheats an image from the registry and follows the job to success, and shows why a job failed', async () => {
    await goto('#/jobs', 'Jobs');
    await shot('12-jobs-empty');
    // Checked in the page before anything is sent.
    await page.getByRole('button', { name: 'New preheat' }).click();
    await page.getByRole('dialog').getByLabel('URL').fill(`https://${registryHost}/v2/demo/app/blobs/sha256:00`);
    await page.getByRole('button', { name: 'Start preheat' }).click();
    await page.getByRole('dialog').getByText('must be a manifest URL').waitFor();
    await page.getByRole('dialog').getByLabel('URL').fill(`https://${registryHost}/v2/demo/app/manifests/v1`);
    await page.getByRole('dialog').getByLabel('Platform').fill('linux/arm64');
    await page.getByRole('dialog').getByText('Advanced options').click();
    await page.getByRole('dialog').getByLabel('Timeout (minutes)').fill('5');
    await shot('13-preheat-form');
    await page.getByRole('button', { name: 'Start preheat' }).click();
    await heading(/^Job #\d+$/).waitFor();
    // Followed live until it ends: the seed peer fetched the arm64 config and layers.
    await page.locator('.content .badge', { hasText: 'success' }).first().waitFor({ timeout: 30_000 });
    await page.getByRole('cell', { name: 'seed-1' }).waitFor();
    await page.getByText('3 of 3 tasks done').waitFor();
    expect(seed.calls.length).toBe(3);
    await shot('14-job-succeeded');

    await goto('#/jobs', 'Jobs');
    await page.getByRole('button', { name: 'New preheat' }).click();
    await page.getByRole('dialog').getByLabel('URL').fill(`https://${registryHost}/v2/demo/app/manifests/no-such-tag`);
    await page.getByRole('button', { name: 'Start preheat' }).click();
    await heading(/^Job #\d+$/).waitFor();
    await page.getByText('Why it failed:').waitFor({ timeout: 30_000 });
    await shot('15-job-failed');
    await goto('#/jobs', 'Jobs');
    await page.locator('.content .badge', { hasText: 'failure' }).first().waitFor();
    await shot('16-jobs');
  }, 60_000);

  it('creates a personal access token shown once, which works until revoked', async () => {
    await goto('#/tokens', 'Personal access tokens');
    await shot('17-tokens-empty');
    await page.getByRole('button', { name: 'New token' }).click();
    await page.getByRole('dialog').getByLabel('Name').fill('ci-preheat');
    await page.getByRole('dialog').getByText(/^cluster/).click();
    await page.getByRole('button', { name: 'Create token' }).click();
    const value = page.getByLabel('New token');
    await value.waitFor();
    const token = await value.inputValue();
    expect(token).toMatch(/^dfp_/);
    await shot('18-token-created');
    expect((await inject('GET', '/oapi/v1/clusters', { authorization: `Bearer ${token}` })).statusCode).toBe(200);
    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('cell', { name: /ci-preheat/ }).waitFor();
    // Never shown again: the listing has no secret.
    expect(await page.content()).not.toContain(token);
    await shot('19-tokens');

    await page.getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
    await page.getByText('Token ci-preheat revoked.').waitFor();
    await page.getByText('No tokens').waitFor();
    expect((await inject('GET', '/oapi/v1/clusters', { authorization: `Bearer ${token}` })).statusCode).toBe(401);
  });

  it('looks right on a phone and on a wide screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await goto('#/overview', 'Overview');
    await shot('20-overview-390');
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Schedulers' }).waitFor();
    await shot('21-menu-390');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Schedulers' }).click();
    await heading('Schedulers').waitFor();
    await shot('22-schedulers-390');
    // Nothing wider than the screen except inside scrolling tables.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.setViewportSize({ width: 1920, height: 1080 });
    await goto('#/overview', 'Overview');
    await shot('23-overview-1920');
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
    await shot('24-password-change');
    await page.getByLabel('Current password').fill(GUEST.first);
    await page.getByLabel('New password', { exact: true }).fill(GUEST.next);
    await page.getByLabel('New password again').fill(GUEST.next);
    await page.getByRole('button', { name: 'Change password' }).click();
    // Back where the guest was going (the deep link #/tokens survives the sign-in).
    await heading('Personal access tokens').waitFor();
    await goto('#/overview', 'Overview');
    await shot('25-guest-overview');

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
    await shot('26-guest-cluster');

    // Even with a valid CSRF token from its own session, the API refuses a guest's write.
    const status = await page.evaluate(async () => {
      const csrf = document.cookie.split('; ').find((c) => c.startsWith('__Host-d7y_csrf='))?.slice('__Host-d7y_csrf='.length) ?? '';
      const r = await fetch('/api/v1/applications', { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json', 'x-csrf-token': csrf }, body: JSON.stringify({ name: 'guest-app', priority: { value: 0 } }) });
      return r.status;
    });
    expect(status).toBe(403);
  });

  it('makes a first-start root with a generated password choose a new one', async () => {
    // A second manager, fresh database, no DRAGONFLY_INITIAL_ROOT_PASSWORD: it prints a random one.
    // Reached as 127.0.0.1 (the same certificate) so its cookies are not the first manager's.
    const printed: string[] = [];
    const dataDir = join(work, 'data-2');
    const config = managerConfigSchema.parse({
      server: { dataDir, rest: { addr: '127.0.0.1:0', tls: { cert: join(work, 'tls.crt'), key: join(work, 'tls.key') } }, grpc: { tlsDir: join(dataDir, 'certs'), listenIP: '127.0.0.1', port: { start: 0, end: 0 } } },
      auth: { jwt: { key: `${TEST_JWT_KEY}-second-manager` } },
    });
    const grpcCa = createCa({ commonName: 'second cluster CA' });
    const grpcLeaf = issueCertificate(grpcCa, { commonName: 'manager', role: 'manager', usage: 'dual', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
    const second = await startManager(config, {
      grpcTls: TlsSource.fromPem({ ca: grpcCa.certPem, cert: grpcLeaf.certPem, key: grpcLeaf.keyPem }),
      logger: createLogger({ level: 'silent' }),
      print: (text) => printed.push(text),
      passwordCost: TEST_PASSWORD_COST,
    });
    try {
      const generated = /\n {4}(\S+)\n/.exec(printed.join(''))?.[1] ?? '';
      expect(generated.length).toBeGreaterThanOrEqual(16);
      await page.goto(`${second.restUrl}/`);
      await heading('Sign in').waitFor();
      await signIn('root', generated);
      await heading('Choose a new password').waitFor({ timeout: 5000 });
      // Nothing else is reachable before the change.
      expect(await page.evaluate(async () => (await fetch('/api/v1/scheduler-clusters', { credentials: 'same-origin' })).status)).toBe(403);
      await page.getByLabel('Current password').fill(generated);
      await page.getByLabel('New password', { exact: true }).fill('short');
      await page.getByLabel('New password again').fill('short');
      await page.getByRole('button', { name: 'Change password' }).click();
      // The browser's own check stops a too-short password before anything is sent.
      expect(await page.getByLabel('New password', { exact: true }).evaluate((el) => (el as HTMLInputElement).validationMessage)).toMatch(/8 characters/);
      await shot('27-first-start-root-short-password');
      await page.getByLabel('New password', { exact: true }).fill('root-chosen-password-1');
      await page.getByLabel('New password again').fill('root-chosen-password-1');
      await page.getByRole('button', { name: 'Change password' }).click();
      await heading('Overview').waitFor();
      await page.locator('.stat').first().waitFor();
      await page.getByRole('button', { name: 'Sign out' }).click();
      await heading('Sign in').waitFor();
    } catch (err) {
      await shot('debug-first-start');
      throw err;
    } finally {
      await second.stop();
    }
  });

  it('logged no script errors and no CSP violations', () => {
    expect(pageErrors).toEqual([]);
  });
});
