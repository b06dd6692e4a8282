import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, parseConfig } from '@d7y/config';
import { createCa } from '@d7y/tls';
import { describe, expect, it } from 'vitest';
import { managerConfigSchema } from '../config/manager-config.js';

// The job.* keys of manager.yaml: defaults, and clear refusals naming the key.

describe('job config', () => {
  it('has safe defaults: verification on, no allow-list, bounded blobs, peers and redirects', () => {
    const c = parseConfig('', managerConfigSchema);
    expect(c.job).toMatchObject({
      maxPeers: 1000,
      concurrency: 4,
      preheat: { tls: { insecureSkipVerify: false, caCert: '' }, allowList: [], maxBlobs: 256, maxRedirects: 5, platform: 'linux/amd64', timeout: 3_600_000, registryTimeout: 60_000 },
    });
  });

  it('accepts caCert as a path or as PEM text, and allow-list CIDRs and names', () => {
    const dir = mkdtempSync(join(tmpdir(), 'job-config-'));
    try {
      const pem = createCa().certPem;
      writeFileSync(join(dir, 'ca.crt'), pem);
      const byPath = parseConfig(`job:\n  preheat:\n    tls:\n      caCert: ${join(dir, 'ca.crt')}\n    allowList: ["10.0.0.0/8", "registry.corp", "*.corp", "fd00::/8"]\n`, managerConfigSchema);
      expect(byPath.job.preheat.allowList).toHaveLength(4);
      const indented = pem.trim().split('\n').map((l) => `        ${l}`).join('\n');
      expect(parseConfig(`job:\n  preheat:\n    tls:\n      caCert: |\n${indented}\n`, managerConfigSchema).job.preheat.tls.caCert).toContain('BEGIN CERTIFICATE');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    ['a bad allow-list entry', 'job:\n  preheat:\n    allowList: ["10.0.0.0/40"]\n', /job\.preheat\.allowList.*prefix length/s],
    ['a bad platform', 'job:\n  preheat:\n    platform: linux\n', /job\.preheat\.platform/],
    ['an unknown key', 'job:\n  preheat:\n    insecure: true\n', /job\.preheat/],
  ])('refuses %s, naming the key', (_name, yaml, message) => {
    let err: unknown;
    try {
      parseConfig(yaml, managerConfigSchema);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(message);
  });
});
