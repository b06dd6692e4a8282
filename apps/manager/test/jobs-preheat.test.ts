import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { taskId } from '@d7y/core';
import { createCa, issueCertificate } from '@d7y/tls';
import type { CertificateAuthority } from '@d7y/tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../src/jobs/job-repository.js';
import { startFakeScheduler, startFakeSeedPeer } from './jobs-fake-seed-peer.js';
import type { FakeSeedPeer } from './jobs-fake-seed-peer.js';
import { startJobsManager } from './jobs-fixture.js';
import type { JobsManager } from './jobs-fixture.js';
import { buildMultiArchLayout, pushWithSkopeo, startRegistry } from './jobs-registry.js';
import type { BuiltImage, RunningRegistry } from './jobs-registry.js';
import { startTokenServer } from './jobs-token-server.js';
import type { TokenServer } from './jobs-token-server.js';

// Preheat against Docker's registry behind a certificate from a private CA, with a multi-arch image
// pushed by skopeo; the seed peer is a FAKE DfdaemonUpload server over mTLS (see jobs-fake-seed-peer.ts).

describe('preheat jobs against a registry with a self-signed CA', () => {
  let dir: string;
  let clusterCa: CertificateAuthority;
  let registryCa: CertificateAuthority;
  let caFile: string;
  let registry: RunningRegistry;
  let privateRegistry: RunningRegistry;
  let tokens: TokenServer;
  let image: BuiltImage;
  let seed: FakeSeedPeer;
  const managers: JobsManager[] = [];

  const manager = async (job: Record<string, unknown>): Promise<JobsManager> => {
    const m = await startJobsManager({ ca: clusterCa, job: { ...job, preheat: { allowList: ['127.0.0.1'], ...(job.preheat as object) } } });
    managers.push(m);
    await m.addSeedPeer({ hostname: seed.hostname, port: seed.port });
    return m;
  };
  const preheat = (m: JobsManager, args: Record<string, unknown>, token = m.rootToken) => m.inject('POST', '/api/v1/jobs', { token, payload: { type: 'preheat', args } });
  const manifestUrl = (r: RunningRegistry, repo: string, ref: string) => `https://${r.host}/v2/${repo}/manifests/${ref}`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'd7y-preheat-'));
    clusterCa = createCa({ commonName: 'cluster CA' });
    registryCa = createCa({ commonName: 'registry CA (self-signed)' });
    const leaf = issueCertificate(registryCa, { commonName: 'registry', role: 'manager', usage: 'server', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
    writeFileSync(join(dir, 'tls.crt'), leaf.certPem);
    writeFileSync(join(dir, 'tls.key'), leaf.keyPem, { mode: 0o600 });
    caFile = join(dir, 'registry-ca.crt');
    writeFileSync(caFile, registryCa.certPem);
    mkdirSync(join(dir, 'skopeo-certs'));
    writeFileSync(join(dir, 'skopeo-certs', 'ca.crt'), registryCa.certPem);

    image = buildMultiArchLayout(join(dir, 'layout'), 'v1');
    mkdirSync(join(dir, 'public'));
    registry = await startRegistry({ dir: join(dir, 'public'), certFile: join(dir, 'tls.crt'), keyFile: join(dir, 'tls.key') });
    await pushWithSkopeo({ layoutDir: image.layoutDir, tag: 'v1', destination: `${registry.host}/demo/app:v1`, certDir: join(dir, 'skopeo-certs') });

    // A private registry: docker-registry token auth, a token service that checks Basic credentials.
    const tokenCa = createCa({ commonName: 'token CA' });
    const signer = issueCertificate(tokenCa, { commonName: 'token-signer', role: 'manager', usage: 'server' });
    writeFileSync(join(dir, 'token-ca.crt'), tokenCa.certPem);
    tokens = await startTokenServer({ signer, issuer: 'test-token-issuer', service: 'test-registry', users: { alice: 'alice-registry-password' } });
    mkdirSync(join(dir, 'private'));
    privateRegistry = await startRegistry({
      dir: join(dir, 'private'),
      certFile: join(dir, 'tls.crt'),
      keyFile: join(dir, 'tls.key'),
      token: { realm: tokens.realm, service: 'test-registry', issuer: 'test-token-issuer', rootCertBundle: join(dir, 'token-ca.crt') },
    });
    await pushWithSkopeo({ layoutDir: image.layoutDir, tag: 'v1', destination: `${privateRegistry.host}/team/private:v1`, certDir: join(dir, 'skopeo-certs'), creds: 'alice:alice-registry-password' });

    seed = await startFakeSeedPeer({ ca: clusterCa, hostname: 'seed-1', registryCaPem: registryCa.certPem });
  });

  afterAll(async () => {
    await Promise.all(managers.map((m) => m.stop()));
    await seed?.stop();
    await registry?.stop();
    await privateRegistry?.stop();
    await tokens?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('(a) with default TLS settings the job fails, naming the certificate problem', async () => {
    const m = await manager({});
    const before = seed.calls.length;
    const res = await preheat(m, { type: 'image', url: manifestUrl(registry, 'demo/app', 'v1') });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json<Job>().state).toBe('PENDING');
    const { job } = await m.waitForJob(res.json<Job>().id);
    expect(job.state).toBe('FAILURE');
    expect(job.result.reason).toContain('unable to verify the first certificate (UNABLE_TO_VERIFY_LEAF_SIGNATURE)');
    expect(job.result.reason).toContain('job.preheat.tls.caCert');
    expect(seed.calls.length).toBe(before);
  });

  describe('(b) with job.preheat.tls.caCert', () => {
    let m: JobsManager;
    beforeAll(async () => {
      m = await manager({ preheat: { tls: { caCert: caFile } } });
    });

    it('resolves the OCI index for the default platform and the seed peer downloads config and layers', async () => {
      const before = seed.calls.length;
      const res = await preheat(m, { type: 'image', url: manifestUrl(registry, 'demo/app', 'v1') });
      expect(res.statusCode, res.body).toBe(201);
      const { job, states } = await m.waitForJob(res.json<Job>().id);
      expect(job.state, JSON.stringify(job.result)).toBe('SUCCESS');
      expect(states.at(-1)).toBe('SUCCESS');
      const amd64 = image.platforms['linux/amd64']?.blobs ?? [];
      expect(amd64).toHaveLength(3);
      expect(job.result.urls).toEqual(amd64.map((d) => `https://${registry.host}/v2/demo/app/blobs/${d}`));
      const calls = seed.calls.slice(before);
      expect(calls.map((c) => c.digest).sort()).toEqual([...amd64].sort());
      expect(calls.every((c) => c.callerRole === 'manager' && c.certificateChainCount === 1)).toBe(true);
      const [peer] = job.result.peers;
      expect(peer).toMatchObject({ hostname: 'seed-1', ip: '127.0.0.1', port: seed.port, state: 'SUCCESS', total_tasks: 3, finished_tasks: 3, failed_tasks: 0 });
      expect(peer?.downloaded_bytes).toBeGreaterThan(96 * 1024);
      // The blobs were fetched from the registry (by the seed peer), each once for this job.
      const fetched = registry.blobFetches();
      for (const d of amd64) expect(fetched).toContain(d);
    });

    it('picks the entries of another platform from the index', async () => {
      const res = await preheat(m, { type: 'image', url: manifestUrl(registry, 'demo/app', 'v1'), platform: 'linux/arm64' });
      const { job } = await m.waitForJob(res.json<Job>().id);
      expect(job.state).toBe('SUCCESS');
      expect(job.result.urls).toEqual((image.platforms['linux/arm64']?.blobs ?? []).map((d) => `https://${registry.host}/v2/demo/app/blobs/${d}`));
    });

    it('resolves a manifest named by digest, and fails clearly for a platform the index lacks', async () => {
      const byDigest = await preheat(m, { type: 'image', url: manifestUrl(registry, 'demo/app', image.platforms['linux/amd64']?.manifest ?? '') });
      expect((await m.waitForJob(byDigest.json<Job>().id)).job.state).toBe('SUCCESS');
      const s390 = await preheat(m, { type: 'image', url: manifestUrl(registry, 'demo/app', 'v1'), platform: 'linux/s390x' });
      const { job } = await m.waitForJob(s390.json<Job>().id);
      expect(job.state).toBe('FAILURE');
      expect(job.result.reason).toContain('no manifest for platform linux/s390x (it has: linux/amd64, linux/arm64/v8)');
    });

    it('reports a missing tag with the registry error', async () => {
      const res = await preheat(m, { type: 'image', url: manifestUrl(registry, 'demo/app', 'nope') });
      const { job } = await m.waitForJob(res.json<Job>().id);
      expect(job.state).toBe('FAILURE');
      expect(job.result.reason).toMatch(/HTTP 404 .*MANIFEST_UNKNOWN/);
    });

    it('answers a private registry token challenge with username/password, and never shows or logs the password', async () => {
      const before = seed.calls.length;
      const res = await preheat(m, { type: 'image', url: manifestUrl(privateRegistry, 'team/private', 'v1'), username: 'alice', password: 'alice-registry-password', headers: { 'X-Request-Source': 'rollout-42' } });
      expect(res.statusCode, res.body).toBe(201);
      const { job } = await m.waitForJob(res.json<Job>().id);
      expect(job.state, job.result.reason).toBe('SUCCESS');
      const last = tokens.requests.at(-1);
      expect(last?.scope).toBe('repository:team/private:pull');
      expect(last?.service).toBe('test-registry');
      expect(last?.authorization).toBe(`Basic ${Buffer.from('alice:alice-registry-password').toString('base64')}`);
      // The seed peer got the registry token (not the password) to fetch the blobs.
      const calls = seed.calls.slice(before);
      expect(calls).toHaveLength(3);
      for (const c of calls) {
        expect(c.headers.Authorization).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
        expect(c.headers['X-Request-Source']).toBe('rollout-42');
      }
      const shown = (await m.inject('GET', `/api/v1/jobs/${job.id}`, { token: m.rootToken })).body;
      const listed = (await m.inject('GET', '/api/v1/jobs?per_page=100', { token: m.rootToken })).body;
      for (const text of [shown, listed, m.logs.join('\n')]) {
        expect(text).not.toContain('alice-registry-password');
        expect(text).not.toContain('rollout-42');
      }
      expect(JSON.parse(shown).args).toMatchObject({ username: 'alice', headers: { 'X-Request-Source': '<redacted>' } });
      expect(JSON.parse(shown).args.password).toBeUndefined();
    });

    it('fails with the token service refusal when the password is wrong, and when none is given', async () => {
      const wrong = await preheat(m, { type: 'image', url: manifestUrl(privateRegistry, 'team/private', 'v1'), username: 'alice', password: 'wrong' });
      const a = (await m.waitForJob(wrong.json<Job>().id)).job;
      expect(a.state).toBe('FAILURE');
      expect(a.result.reason).toContain('refused the credentials (HTTP 401)');
      const anonymous = await preheat(m, { type: 'image', url: manifestUrl(privateRegistry, 'team/private', 'v1') });
      const b = (await m.waitForJob(anonymous.json<Job>().id)).job;
      expect(b.state).toBe('FAILURE');
      expect(b.result.reason).toMatch(/refused access to team\/private \(HTTP 401\)/);
    });

    it('get_task finds the blob task on the seed peer, delete_task evicts it', async () => {
      const blobUrl = `https://${registry.host}/v2/demo/app/blobs/${image.platforms['linux/amd64']?.blobs[1] ?? ''}`;
      const id = taskId({ url: blobUrl });
      expect(seed.tasks.has(id)).toBe(true);
      const get = await m.inject('POST', '/api/v1/jobs', { token: m.rootToken, payload: { type: 'get_task', args: { url: blobUrl } } });
      expect(get.statusCode, get.body).toBe(201);
      const found = (await m.waitForJob(get.json<Job>().id)).job;
      expect(found.state).toBe('SUCCESS');
      expect(found.result.task_id).toBe(id);
      expect(found.result.peers[0]?.tasks).toEqual([expect.objectContaining({ task_id: id, url: blobUrl, state: 'Succeeded' })]);

      const del = await m.inject('POST', '/api/v1/jobs', { token: m.rootToken, payload: { type: 'delete_task', args: { task_id: id } } });
      expect((await m.waitForJob(del.json<Job>().id)).job.state).toBe('SUCCESS');
      expect(seed.tasks.has(id)).toBe(false);
      const again = await m.inject('POST', '/api/v1/jobs', { token: m.rootToken, payload: { type: 'get_task', args: { task_id: id } } });
      const after = (await m.waitForJob(again.json<Job>().id)).job;
      expect(after.result.peers[0]?.tasks).toEqual([]);
    });

    it('shows per-peer progress while the job runs, until it ends', async () => {
      let release: () => void = () => undefined;
      const gate = new Promise<void>((r) => (release = r));
      const slow = await startFakeSeedPeer({ ca: clusterCa, hostname: 'seed-slow', registryCaPem: registryCa.certPem, afterFirstPiece: () => gate });
      const other = await manager({ preheat: { tls: { caCert: caFile } } });
      try {
        await other.manager.database.db.updateTable('seed_peers').set({ port: slow.port, host_name: 'seed-slow' }).execute();
        const res = await preheat(other, { type: 'image', url: manifestUrl(registry, 'demo/app', 'v1') });
        const id = res.json<Job>().id;
        // Poll the API as an operator would, until the peer has reported bytes but not finished.
        let seen: Job | undefined;
        const deadline = Date.now() + 10_000;
        while (seen === undefined) {
          const job = (await other.inject('GET', `/api/v1/jobs/${id}`, { token: other.rootToken })).json<Job>();
          const p = job.result.peers[0];
          if (job.state === 'RUNNING' && p !== undefined && p.downloaded_bytes > 0) seen = job;
          else if (Date.now() > deadline) throw new Error(`no progress seen: ${JSON.stringify(job)}`);
          else await new Promise((r) => setTimeout(r, 25)); // polling the API
        }
        expect(seen.result.peers[0]).toMatchObject({ hostname: 'seed-slow', state: 'RUNNING', total_tasks: 3, finished_tasks: 0 });
        expect(seen.result.peers[0]?.downloaded_bytes).toBeLessThan(96 * 1024);
        release();
        const { job } = await other.waitForJob(id);
        expect(job.state).toBe('SUCCESS');
        expect(job.result.peers[0]).toMatchObject({ state: 'SUCCESS', finished_tasks: 3 });
        expect(job.result.peers[0]?.downloaded_bytes).toBeGreaterThan(96 * 1024);
      } finally {
        release();
        await slow.stop();
      }
    });

    it('refuses a peer whose certificate names another host than the one registered', async () => {
      const impostor = await startFakeSeedPeer({ ca: clusterCa, hostname: 'impostor', registryCaPem: registryCa.certPem });
      const other = await manager({ preheat: { tls: { caCert: caFile } } });
      try {
        // Registered as seed-9, but its certificate says dfdaemon/impostor.
        await other.manager.database.db.updateTable('seed_peers').set({ port: impostor.port, host_name: 'seed-9' }).execute();
        const res = await preheat(other, { type: 'file', url: `https://${registry.host}/v2/demo/app/blobs/${image.platforms['linux/amd64']?.blobs[0] ?? ''}` });
        const { job } = await other.waitForJob(res.json<Job>().id);
        expect(job.state).toBe('FAILURE');
        expect(job.result.peers[0]?.error).toContain('expected a dfdaemon certificate for seed-9, got dfdaemon/impostor');
        expect(impostor.calls).toHaveLength(0);
      } finally {
        await impostor.stop();
      }
    });

    it('preheats files on all peers a scheduler lists (all_peers via ListHosts over mTLS)', async () => {
      const second = await startFakeSeedPeer({ ca: clusterCa, hostname: 'peer-2', registryCaPem: registryCa.certPem });
      const scheduler = await startFakeScheduler({ ca: clusterCa, hosts: [{ hostname: 'peer-2', ip: '127.0.0.1', port: second.port }] });
      try {
        await m.manager.database.db
          .insertInto('schedulers')
          .values({ host_name: 'scheduler-1', ip: '127.0.0.1', idc: '', location: '', port: scheduler.port, state: 'active', features: '["schedule","preheat"]', config: '{}', last_keep_alive_at: null, scheduler_cluster_id: 1, created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:00:00.000Z' })
          .execute();
        const fileUrl = `https://${registry.host}/v2/demo/app/blobs/${image.platforms['linux/arm64']?.blobs[2] ?? ''}`;
        const res = await preheat(m, { type: 'file', url: fileUrl, scope: 'all_peers' });
        expect(res.statusCode, res.body).toBe(201);
        const { job } = await m.waitForJob(res.json<Job>().id);
        expect(job.state, job.result.reason).toBe('SUCCESS');
        expect(job.result.peers.map((p) => p.hostname).sort()).toEqual(['peer-2', 'seed-1']);
        expect(second.calls.map((c) => c.url)).toEqual([fileUrl]);
        expect(scheduler.callers).toEqual(['manager']);
      } finally {
        await m.manager.database.db.deleteFrom('schedulers').where('host_name', '=', 'scheduler-1').execute();
        await scheduler.stop();
        await second.stop();
      }
    });
  });

  it('(c) with insecureSkipVerify the job succeeds and a warning is logged', async () => {
    const m = await manager({ preheat: { tls: { insecureSkipVerify: true } } });
    const res = await preheat(m, { type: 'image', url: manifestUrl(registry, 'demo/app', 'v1') });
    const { job } = await m.waitForJob(res.json<Job>().id);
    expect(job.state, job.result.reason).toBe('SUCCESS');
    expect(job.result.warnings).toEqual(['TLS certificate verification of the registry is off (job.preheat.tls.insecureSkipVerify)']);
    const warnings = m.logs.map((l) => JSON.parse(l) as { level: string; msg: string }).filter((l) => l.level === 'warn');
    expect(warnings.map((w) => w.msg)).toEqual(
      expect.arrayContaining([
        'TLS certificate verification is OFF for outbound requests: any server can impersonate a registry',
        'preheat with TLS certificate verification OFF (job.preheat.tls.insecureSkipVerify)',
      ]),
    );
  });
});
