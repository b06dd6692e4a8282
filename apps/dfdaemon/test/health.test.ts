import { mkdtempSync, rmSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { checkHealth, createHealthClient, type HealthStatus } from '@d7y/rpc';
import { createCa } from '@d7y/tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dfdaemon } from '../src/dfdaemon.js';
import { testDaemonConfig } from './fixtures/daemon.js';
import { testLogger } from './fixtures/logger.js';

async function until(check: () => Promise<boolean>, ms = 10_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

describe('dfdaemon health follows its storage', () => {
  const root = mkdtempSync(join(tmpdir(), 'd7y-health-'));
  let daemon: Dfdaemon;
  let local: ReturnType<typeof createHealthClient>;

  beforeAll(async () => {
    daemon = new Dfdaemon({ config: testDaemonConfig({ root, ca: createCa(), hostname: 'peer-h', schedulers: [] }), logger: testLogger(), healthProbeIntervalMs: 25 });
    await daemon.start();
    local = createHealthClient(`unix://${daemon.ports.socketPath}`, grpc.credentials.createInsecure());
  });
  afterAll(async () => {
    local?.close();
    await daemon?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('goes NOT_SERVING (gRPC) and 503 (/healthy) while the storage cannot take a file, and back', async () => {
    const status = (): Promise<HealthStatus> => checkHealth(local);
    const healthy = async (): Promise<number> => (await fetch(`http://127.0.0.1:${daemon.ports.healthPort}/healthy`)).status;
    expect(await until(async () => (await status()) === 'SERVING')).toBe(true);
    expect(await healthy()).toBe(200);

    const data = join(root, 'peer-h', 'data');
    await rename(data, `${data}.moved`);
    await writeFile(data, 'not a directory');
    expect(await healthy()).toBe(503);
    expect(await until(async () => (await status()) === 'NOT_SERVING')).toBe(true);

    await rm(data);
    await rename(`${data}.moved`, data);
    expect(await healthy()).toBe(200);
    expect(await until(async () => (await status()) === 'SERVING')).toBe(true);
  });
});
