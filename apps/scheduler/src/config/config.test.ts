import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError, parseConfig } from '@d7y/config';
import { describe, expect, it } from 'vitest';
import { schedulerConfigSchema } from './config.js';

const EXAMPLE = fileURLToPath(new URL('../../config/scheduler.example.yaml', import.meta.url));

describe('scheduler config', () => {
  it('has embedded defaults equal to upstream where upstream has them', () => {
    const config = parseConfig('', schedulerConfigSchema);
    expect(config.server).toMatchObject({ port: 8002, listenIP: '0.0.0.0', requestRateLimit: 4000 });
    expect(config.scheduler).toMatchObject({ backToSourceCount: 200, retryBackToSourceLimit: 4, retryLimit: 5, retryInterval: 500 });
    expect(config.scheduler.gc).toEqual({
      pieceDownloadTimeout: 30 * 60_000,
      peerGCInterval: 10_000,
      peerTTL: 24 * 3_600_000,
      taskGCInterval: 30 * 60_000,
      hostGCInterval: 5 * 60_000,
      hostTTL: 3_600_000,
    });
    expect(config.manager).toEqual({ addr: '', schedulerClusterID: 1, keepAlive: { interval: 5000 } });
    expect(config.security.tlsDir).toBe('/etc/dragonfly/certs/scheduler');
    expect(config.limits.maxMessageSize).toBe(4 * 1024 * 1024);
  });

  it('documents every default in the example file', () => {
    expect(parseConfig(readFileSync(EXAMPLE, 'utf8'), schedulerConfigSchema, EXAMPLE)).toEqual(parseConfig('', schedulerConfigSchema));
  });

  it('reads overrides with units', () => {
    const config = parseConfig('scheduler:\n  retryInterval: 50ms\n  gc:\n    hostTTL: 2h\nsecurity:\n  tlsDir: certs/scheduler\n', schedulerConfigSchema);
    expect(config.scheduler.retryInterval).toBe(50);
    expect(config.scheduler.gc.hostTTL).toBe(7_200_000);
    expect(config.scheduler.gc.peerTTL).toBe(24 * 3_600_000);
    expect(config.security.tlsDir).toBe('certs/scheduler');
  });

  it.each([
    { yaml: 'scheduler:\n  retryIntervall: 1s\n', key: 'scheduler.retryIntervall' },
    { yaml: 'scheduler:\n  retryInterval: soon\n', key: 'scheduler.retryInterval' },
    { yaml: 'server:\n  listenIP: localhost\n', key: 'server.listenIP' },
    { yaml: 'server:\n  port: 70000\n', key: 'server.port' },
    { yaml: 'scheduler:\n  candidateParentLimit: 0\n', key: 'scheduler.candidateParentLimit' },
  ])('refuses $key with a message naming it', ({ yaml, key }) => {
    let err: unknown;
    try {
      parseConfig(yaml, schedulerConfigSchema, 'scheduler.yaml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain('scheduler.yaml');
    expect((err as Error).message).toContain(key);
  });
});
