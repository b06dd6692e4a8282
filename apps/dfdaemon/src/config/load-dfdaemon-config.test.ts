import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '@d7y/config';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDfdaemonConfig } from './load-dfdaemon-config.js';

const COMPOSE_DFDAEMON = join(dirname(fileURLToPath(import.meta.url)), '../../../../deploy/config/compose/dfdaemon.yaml');

describe('loadDfdaemonConfig (environment overrides)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'd7y-dfdaemon-env-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the compose dfdaemon.yaml needs the proxy password from DRAGONFLY_DFDAEMON_PROXY__SERVER__BASIC_AUTH__PASSWORD', () => {
    expect(() => loadDfdaemonConfig(COMPOSE_DFDAEMON, { optional: false, env: {} })).toThrow(ConfigError);
    const c = loadDfdaemonConfig(COMPOSE_DFDAEMON, { optional: false, env: { DRAGONFLY_DFDAEMON_PROXY__SERVER__BASIC_AUTH__PASSWORD: 'a-long-random-proxy-password' } });
    expect(c.proxy.server.basicAuth?.password).toBe('a-long-random-proxy-password');
  });

  it('overrides nested keys of a file, with units and types of the schema', () => {
    const file = join(dir, 'dfdaemon.yaml');
    writeFileSync(file, 'host: { hostname: peer-1, ip: 127.0.0.1 }\ndynconfig: { refreshInterval: 1m }\n');
    const c = loadDfdaemonConfig(file, {
      optional: false,
      env: { DRAGONFLY_DFDAEMON_DYNCONFIG__REFRESH_INTERVAL: '30s', DRAGONFLY_DFDAEMON_MANAGER__ADDR: '10.0.0.1:65003', DRAGONFLY_DFDAEMON_SEED_PEER__ENABLE: 'true', OTHER_VAR: 'ignored' },
    });
    expect(c.dynconfig.refreshInterval).toBe(30_000);
    expect(c.manager.addr).toBe('10.0.0.1:65003');
    expect(c.seedPeer.enable).toBe(true);
    expect(c.host.hostname).toBe('peer-1');
  });

  it('refuses a variable that names no key, naming it', () => {
    expect(() => loadDfdaemonConfig(join(dir, 'missing.yaml'), { optional: true, env: { DRAGONFLY_DFDAEMON_PROXY__SERVR__PORT: '1' } })).toThrow(/DRAGONFLY_DFDAEMON_PROXY__SERVR__PORT/);
  });

  it('validates download.remoteSource.allowList entries', () => {
    const file = join(dir, 'allow.yaml');
    writeFileSync(file, 'download: { remoteSource: { allowList: ["10.0.0.0/8", "registry.corp", "*.corp", "fd00::/8"] } }\n');
    expect(loadDfdaemonConfig(file, { optional: false, env: {} }).download.remoteSource.allowList).toEqual(['10.0.0.0/8', 'registry.corp', '*.corp', 'fd00::/8']);
    writeFileSync(file, 'download: { remoteSource: { allowList: ["10.0.0.0/33"] } }\n');
    expect(() => loadDfdaemonConfig(file, { optional: false, env: {} })).toThrow(/download\.remoteSource\.allowList.*prefix length must be 0–32/s);
  });
});
