import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2eCluster } from '../harness/cluster.js';
import type { DfdaemonProcess } from '../harness/dfdaemon-process.js';
import type { NginxOrigin } from '../harness/nginx-origin.js';
import { assertBuilt, BIN } from '../harness/paths.js';

// Prints, at exit, the CommonJS packages the process loaded (grpc-js and protobufjs are CommonJS).
const PRELOAD = `
const Module = require('node:module');
process.on('exit', () => {
  const pkgs = new Set(Object.keys(Module._cache).map((f) => /node_modules\\/((?:@[^/]+\\/)?[^/]+)\\/(?!.*node_modules)/.exec(f)?.[1]).filter(Boolean));
  process.stderr.write('loaded packages: ' + JSON.stringify([...pkgs]) + '\\n');
});
`;

describe('e2e: dfget start-up (paid on every download)', () => {
  let cluster: E2eCluster;
  let nginx: NginxOrigin;
  let peer: DfdaemonProcess;
  let preload: string;

  beforeAll(async () => {
    assertBuilt('dfdaemon', 'dfget', 'dfcert');
    cluster = await E2eCluster.create('dfget-startup');
    nginx = await cluster.nginx();
    peer = await cluster.dfdaemon({ hostname: 'peer-1', schedulers: [] });
    preload = join(cluster.root, 'loaded-packages.cjs');
    await writeFile(preload, PRELOAD);
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('downloads without loading grpc-js, proto-loader or protobufjs', async () => {
    const body = randomBytes(4096);
    const path = await nginx.put('small.bin', body);
    const out = join(cluster.root, 'small.out');
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['--require', preload, BIN.dfget, '-e', peer.socketPath, nginx.url(path), '-O', out, '--no-progress'], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
      child.once('exit', (code) => resolve({ code, stderr }));
    });
    expect(r.code, r.stderr).toBe(0);
    expect((await readFile(out)).equals(body)).toBe(true);
    const loaded = JSON.parse(/loaded packages: (.*)/.exec(r.stderr)?.[1] ?? 'null') as string[] | null;
    expect(loaded).not.toBeNull();
    expect(loaded).not.toContain('@grpc/grpc-js');
    expect(loaded).not.toContain('@grpc/proto-loader');
    expect(loaded).not.toContain('protobufjs');
  });
});
