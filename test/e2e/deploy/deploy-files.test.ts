import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseConfig } from '@d7y/config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { managerConfigSchema } from '../../../apps/manager/src/config/manager-config.js';
import { schedulerConfigSchema } from '../../../apps/scheduler/src/config/config.js';
import { dfdaemonConfigSchema } from '../../../apps/dfdaemon/src/config/dfdaemon-config.js';

const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const run = promisify(execFile);

const SCHEMAS = { manager: managerConfigSchema, scheduler: schedulerConfigSchema, dfdaemon: dfdaemonConfigSchema } as const;
// deploy/config/<file> → the service that reads it.
const EXAMPLES: [string, keyof typeof SCHEMAS, Record<string, string>?][] = [
  ['manager.yaml', 'manager'],
  ['scheduler.yaml', 'scheduler'],
  ['dfdaemon.yaml', 'dfdaemon'],
  ['seed-peer.yaml', 'dfdaemon'],
  ['compose/manager.yaml', 'manager'],
  ['compose/scheduler.yaml', 'scheduler'],
  ['compose/seed-peer.yaml', 'dfdaemon'],
  ['compose/dfdaemon.yaml', 'dfdaemon', { DRAGONFLY_DFDAEMON_PROXY__SERVER__BASIC_AUTH__PASSWORD: 'a-long-random-proxy-password' }],
];

describe('example configs under deploy/config', () => {
  it('covers every file there', () => {
    const files = [
      ...readdirSync(join(ROOT, 'deploy/config')).filter((f) => f.endsWith('.yaml')),
      ...readdirSync(join(ROOT, 'deploy/config/compose')).map((f) => `compose/${f}`),
    ];
    expect(files.sort()).toEqual(EXAMPLES.map(([f]) => f).sort());
  });

  it.each(EXAMPLES)('%s loads with the %s schema', (file, service, vars) => {
    const path = join(ROOT, 'deploy/config', file);
    const prefix = `DRAGONFLY_${service.toUpperCase()}`;
    expect(() => parseConfig(readFileSync(path, 'utf8'), SCHEMAS[service], path, { env: { prefix, vars: vars ?? {} } })).not.toThrow();
  });
});

describe('systemd units', () => {
  const units = readdirSync(join(ROOT, 'deploy/systemd')).filter((f) => f.endsWith('.service'));

  it('has a hardened unit for each service and for certificate renewal', () => {
    expect(units.sort()).toEqual(['dragonfly-cert-renew.service', 'dragonfly-dfdaemon.service', 'dragonfly-manager.service', 'dragonfly-scheduler.service']);
    for (const unit of units) {
      const text = readFileSync(join(ROOT, 'deploy/systemd', unit), 'utf8');
      for (const key of ['User=dragonfly', 'NoNewPrivileges=yes', 'ProtectSystem=strict', 'ProtectHome=yes', 'CapabilityBoundingSet=']) {
        expect(text, `${unit} sets ${key}`).toContain(key);
      }
      expect(text).toMatch(/StateDirectory=|ReadWritePaths=/);
      const [, script] = /ExecStart=\/usr\/bin\/node \/opt\/dragonfly\/(\S+)/.exec(text) ?? [];
      expect(script && existsSync(join(ROOT, script)), `${unit} runs an entry point of this repository`).toBe(true);
    }
  });

  it('passes systemd-analyze verify', async () => {
    const { stderr } = await run('systemd-analyze', ['verify', ...units.map((u) => join(ROOT, 'deploy/systemd', u))]);
    expect(stderr.trim()).toBe('');
  });
});

describe('docker-compose.yml', () => {
  const env = { ...process.env, DRAGONFLY_INITIAL_ROOT_PASSWORD: 'a-long-random-root-password', DRAGONFLY_PROXY_PASSWORD: 'a-long-random-proxy-password' };

  it('is valid for docker-compose config', async () => {
    const { stdout } = await run('docker-compose', ['-f', join(ROOT, 'docker-compose.yml'), 'config'], { env });
    const services = Object.keys((parseYaml(stdout) as { services: Record<string, unknown> }).services);
    expect(services.sort()).toEqual(['dfcert-init', 'dfcert-renew', 'dfdaemon', 'manager', 'scheduler', 'seed-peer']);
  });

  it('refuses to start without the secrets it needs, instead of using well-known ones', async () => {
    const { DRAGONFLY_INITIAL_ROOT_PASSWORD: _omit, ...without } = env;
    await expect(run('docker-compose', ['-f', join(ROOT, 'docker-compose.yml'), 'config'], { env: without })).rejects.toThrow(/DRAGONFLY_INITIAL_ROOT_PASSWORD/);
  });

  it('gives every long-running service a health check, and every entry point exists in the build', () => {
    const compose = parseYaml(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
      services: Record<string, { command?: string[] | string; healthcheck?: { test: string[] } }>;
    };
    for (const [name, svc] of Object.entries(compose.services)) {
      const words = (Array.isArray(svc.command) ? svc.command : [svc.command ?? '']).join(' ');
      const scripts = [...words.matchAll(/(?:^|\s)((?:apps|packages|deploy)\/\S+\.m?js)/g)].map((m) => m[1] as string);
      if (name !== 'dfcert-init') expect(svc.healthcheck?.test, `${name} has a health check`).toBeDefined();
      for (const script of [...scripts, ...(svc.healthcheck?.test ?? []).filter((w) => /\.m?js$/.test(w))]) {
        expect(existsSync(join(ROOT, script)), `${name}: ${script} exists`).toBe(true);
        // bin/*.js wrappers import the build output.
        const target = /import '(\.\.\/dist\/[^']+)'/.exec(readFileSync(join(ROOT, script), 'utf8'))?.[1];
        if (target !== undefined) expect(existsSync(join(ROOT, script, '..', target)), `${name}: ${script} → ${target} is built`).toBe(true);
      }
      for (const config of [...words.matchAll(/\/opt\/dragonfly\/(deploy\/config\/\S+\.yaml)/g)].map((m) => m[1] as string)) {
        expect(existsSync(join(ROOT, config)), `${name}: ${config} exists`).toBe(true);
      }
    }
  });
});

describe('deploy/healthcheck.mjs', () => {
  let server: Server;
  let base = '';
  beforeAll(async () => {
    server = createServer((req, res) => res.writeHead(req.url === '/healthy' ? 200 : 503).end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const probe = (...args: string[]) => run(process.execPath, [join(ROOT, 'deploy/healthcheck.mjs'), ...args]);

  it('exits 0 for a healthy service', async () => {
    await expect(probe('http', `${base}/healthy`)).resolves.toBeDefined();
  });

  it('exits 1 with a reason for an unhealthy or absent one, 2 for bad usage', async () => {
    await expect(probe('http', `${base}/other`)).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('answered 503') });
    await expect(probe('grpc', '127.0.0.1:1', '--tls-dir', join(ROOT, 'no-such-dir'))).rejects.toMatchObject({ code: 1 });
    await expect(probe('ftp', 'x')).rejects.toMatchObject({ code: 2 });
  });
});
