import { execFile, spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { createCa, issueCertificate } from '@d7y/tls';

// Real parts for the preheat tests: Docker's registry (Debian package docker-registry) behind a
// certificate from a test CA, and skopeo pushing a multi-arch OCI image built here (no internet).

const run = promisify(execFile);

export const PLATFORMS = [
  { os: 'linux', architecture: 'amd64' },
  { os: 'linux', architecture: 'arm64', variant: 'v8' },
] as const;

export interface BuiltImage {
  layoutDir: string;
  indexDigest: string;
  /** Per platform "os/arch": the image manifest digest and its blobs (config first, then layers). */
  platforms: Record<string, { manifest: string; blobs: string[] }>;
}

/** A POSIX tar holding one regular file (so containerd can unpack the layer). */
function tarOf(name: string, content: Buffer): Buffer {
  const header = Buffer.alloc(512);
  const put = (text: string, offset: number, length: number): void => void header.write(text.slice(0, length), offset, 'ascii');
  const octal = (n: number, length: number): string => `${n.toString(8).padStart(length - 1, '0')}\0`;
  put(name, 0, 100);
  put(octal(0o644, 8), 100, 8);
  put(octal(0, 8), 108, 8);
  put(octal(0, 8), 116, 8);
  put(octal(content.length, 12), 124, 12);
  put(octal(Math.floor(Date.now() / 1000), 12), 136, 12);
  put('        ', 148, 8); // checksum field counts as spaces while summing
  put('0', 156, 1);
  put('ustar\0', 257, 6);
  put('00', 263, 2);
  let sum = 0;
  for (const b of header) sum += b;
  put(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8);
  const padding = Buffer.alloc((512 - (content.length % 512)) % 512);
  return Buffer.concat([header, content, padding, Buffer.alloc(1024)]);
}

const sha = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** Writes an OCI image layout with an index over two platforms, each a config and two random gzip layers. */
export function buildMultiArchLayout(dir: string, tag: string, opts: { layerBytes?: number } = {}): BuiltImage {
  const blobsDir = join(dir, 'blobs', 'sha256');
  mkdirSync(blobsDir, { recursive: true });
  const put = (b: Buffer): { digest: string; size: number } => {
    const digest = sha(b);
    writeFileSync(join(blobsDir, digest.slice('sha256:'.length)), b);
    return { digest, size: b.length };
  };
  const platforms: BuiltImage['platforms'] = {};
  const entries = PLATFORMS.map((p) => {
    const layers = [0, 1].map(() => {
      const raw = tarOf(`layer-${p.architecture}-${Math.random().toString(36).slice(2)}.bin`, randomBytes((opts.layerBytes ?? 48 * 1024) + Math.floor(Math.random() * 4096)));
      const gz = gzipSync(raw);
      return { ...put(gz), diffId: sha(raw) };
    });
    const config = put(
      Buffer.from(
        JSON.stringify({
          architecture: p.architecture,
          os: p.os,
          ...('variant' in p ? { variant: p.variant } : {}),
          rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
          config: {},
        }),
      ),
    );
    const manifest = put(
      Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: config.digest, size: config.size },
          layers: layers.map((l) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: l.digest, size: l.size })),
        }),
      ),
    );
    platforms[[p.os, p.architecture].join('/')] = { manifest: manifest.digest, blobs: [config.digest, ...layers.map((l) => l.digest)] };
    return { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: manifest.digest, size: manifest.size, platform: p };
  });
  const index = put(Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: entries })));
  writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(
    join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [{ mediaType: 'application/vnd.oci.image.index.v1+json', digest: index.digest, size: index.size, annotations: { 'org.opencontainers.image.ref.name': tag } }],
    }),
  );
  return { layoutDir: dir, indexDigest: index.digest, platforms };
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitForPort(host: string, port: number, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited (${child.exitCode}):\n${log()}`);
    const open = await new Promise<boolean>((resolve) => {
      const s = connect(port, host);
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`docker-registry did not listen on ${port}:\n${log()}`);
    await new Promise((r) => setTimeout(r, 50).unref()); // polling a port that is about to open
  }
}

export interface RunningRegistry {
  /** "LISTEN_HOST:PORT" */
  host: string;
  port: number;
  /** Every access-log line so far. */
  log(): string;
  /** GET requests for blobs answered 200, as "digest" strings, in order. */
  blobFetches(): string[];
  /** Every GET of a blob (whole or ranged) with its status and the body bytes sent, in order. */
  blobGets(): { digest: string; status: number; bytes: number }[];
  stop(): Promise<void>;
}

/** Starts docker-registry on `listenHost` (default 127.0.0.1) with TLS (cert/key files) and optional token auth. */
export async function startRegistry(opts: {
  dir: string;
  listenHost?: string;
  certFile: string;
  keyFile: string;
  token?: { realm: string; service: string; issuer: string; rootCertBundle: string };
}): Promise<RunningRegistry> {
  const port = await freePort();
  const listenHost = opts.listenHost ?? '127.0.0.1';
  const storage = join(opts.dir, 'storage');
  mkdirSync(storage, { recursive: true });
  const auth = opts.token
    ? `auth:\n  token:\n    realm: ${opts.token.realm}\n    service: ${opts.token.service}\n    issuer: ${opts.token.issuer}\n    rootcertbundle: ${opts.token.rootCertBundle}\n`
    : '';
  const config = join(opts.dir, 'config.yml');
  writeFileSync(
    config,
    `version: 0.1\nlog:\n  level: info\n  accesslog:\n    disabled: false\nstorage:\n  filesystem:\n    rootdirectory: ${storage}\n  delete:\n    enabled: true\nhttp:\n  addr: ${listenHost}:${port}\n  tls:\n    certificate: ${opts.certFile}\n    key: ${opts.keyFile}\n${auth}`,
  );
  const child = spawn('docker-registry', ['serve', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  await waitForPort(listenHost, port, child, () => out);
  return {
    host: `${listenHost}:${port}`,
    port,
    log: () => out,
    blobFetches: () => [...out.matchAll(/"GET \/v2\/[^ ]+\/blobs\/(sha256:[a-f0-9]{64}) HTTP\/[0-9.]+" 200/g)].map((m) => m[1] ?? ''),
    blobGets: () =>
      [...out.matchAll(/"GET \/v2\/[^ ]+\/blobs\/(sha256:[a-f0-9]{64}) HTTP\/[0-9.]+" (\d{3}) (\d+)/g)].map((m) => ({
        digest: m[1] ?? '',
        status: Number(m[2]),
        bytes: Number(m[3]),
      })),
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** skopeo copy --all of the OCI layout into the registry, trusting the CA in `certDir/ca.crt`. */
export async function pushWithSkopeo(opts: { layoutDir: string; tag: string; destination: string; certDir: string; creds?: string }): Promise<void> {
  await run(
    'skopeo',
    [
      '--insecure-policy',
      'copy',
      '--all',
      '--preserve-digests',
      '--dest-cert-dir',
      opts.certDir,
      ...(opts.creds === undefined ? [] : ['--dest-creds', opts.creds]),
      `oci:${opts.layoutDir}:${opts.tag}`,
      `docker://${opts.destination}`,
    ],
    { timeout: 60_000 },
  );
}

/**
 * docker-registry on 127.0.0.1 behind a leaf from a fresh private CA (minted with @d7y/tls): writes
 * `tls.crt`/`tls.key`, the CA as `ca.crt`, and `skopeo-certs/ca.crt` for skopeo's --dest-cert-dir.
 */
export async function startSelfSignedRegistry(dir: string, opts: { listenHost?: string } = {}): Promise<{ registry: RunningRegistry; caFile: string; caPem: string; skopeoCertDir: string }> {
  mkdirSync(join(dir, 'skopeo-certs'), { recursive: true });
  const ca = createCa({ commonName: 'registry CA (self-signed)' });
  const ips = [...new Set(['127.0.0.1', opts.listenHost ?? '127.0.0.1'])];
  const leaf = issueCertificate(ca, { commonName: 'registry', role: 'manager', usage: 'server', dnsNames: ['localhost'], ipAddresses: ips });
  writeFileSync(join(dir, 'tls.crt'), leaf.certPem);
  writeFileSync(join(dir, 'tls.key'), leaf.keyPem, { mode: 0o600 });
  writeFileSync(join(dir, 'ca.crt'), ca.certPem);
  writeFileSync(join(dir, 'skopeo-certs', 'ca.crt'), ca.certPem);
  const registry = await startRegistry({ dir, certFile: join(dir, 'tls.crt'), keyFile: join(dir, 'tls.key'), ...(opts.listenHost === undefined ? {} : { listenHost: opts.listenHost }) });
  return { registry, caFile: join(dir, 'ca.crt'), caPem: ca.certPem, skopeoCertDir: join(dir, 'skopeo-certs') };
}

/** An IPv4 address of this machine other than loopback (containerd and Go clients treat loopback registries specially). */
export function nonLoopbackIPv4(): string | undefined {
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return undefined;
}

export function hasCommands(...names: string[]): boolean {
  return names.every((n) => spawnSync('sh', ['-c', `command -v ${n}`]).status === 0);
}
