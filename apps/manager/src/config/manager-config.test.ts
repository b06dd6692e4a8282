import { ConfigError, parseConfig } from '@d7y/config';
import { describe, expect, it } from 'vitest';
import { managerConfigSchema } from './manager-config.js';

describe('manager.yaml', () => {
  it('fills upstream defaults from an empty file', () => {
    const c = parseConfig('', managerConfigSchema);
    expect(c.server.rest.addr).toBe(':8080');
    expect(c.server.grpc.port).toEqual({ start: 65003, end: 65003 });
    expect(c.auth.jwt).toMatchObject({ realm: 'Dragonfly', key: '', timeout: 48 * 3_600_000, maxRefresh: 168 * 3_600_000 });
    expect(c.database.type).toBe('sqlite');
    expect(c.server.rest.cors.allowedOrigins).toEqual([]);
    expect(c.job.preheat.tls).toEqual({ insecureSkipVerify: false, caCert: '' });
  });

  it('reads upstream keys', () => {
    const c = parseConfig(
      `
server:
  rest:
    addr: 127.0.0.1:8443
    tls: { cert: /etc/dragonfly/manager.crt, key: /etc/dragonfly/manager.key }
auth:
  jwt: { realm: Corp, timeout: 24h, maxRefresh: 72h }
database:
  type: postgres
  postgres: { host: db, port: 5433, user: df, password: pw, dbname: manager, sslMode: require }
job:
  preheat:
    tls: { insecureSkipVerify: true, caCert: /etc/ssl/registry.pem }
`,
      managerConfigSchema,
    );
    expect(c.auth.jwt.timeout).toBe(24 * 3_600_000);
    expect(c.database.postgres.port).toBe(5433);
    expect(c.server.rest.tls.cert).toBe('/etc/dragonfly/manager.crt');
  });

  it.each([
    ['an unknown key', 'server:\n  restt: {}\n', /restt/],
    ['half a TLS pair', 'server:\n  rest:\n    tls: { cert: /x.crt }\n', /both cert and key/],
    ['a bad duration', 'auth:\n  jwt: { timeout: soon }\n', /auth\.jwt\.timeout/],
    ['an unknown database type', 'database:\n  type: oracle\n', /database\.type/],
  ])('refuses %s with a message naming the key', (_name, yaml, pattern) => {
    let err: unknown;
    try {
      parseConfig(yaml, managerConfigSchema, 'manager.yaml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(pattern);
  });
});
