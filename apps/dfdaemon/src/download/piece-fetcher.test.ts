import { createServer, type Server } from 'node:https';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer } from 'node:net';
import { httpsServerOptions } from '@d7y/tls';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { randomBytesSeeded } from '../../test/fixtures/origin.js';
import { TestPki } from '../../test/fixtures/tls.js';
import { isDfdaemonError } from '../errors.js';
import { isAlignedSlab } from '../memory/slab-pool.js';
import { PieceFetcher, type PieceBody } from './piece-fetcher.js';

const KiB = 1024;
const TASK = 'e'.repeat(64);

/** A piece server stand-in over mutual TLS that answers each request with `handler`. */
async function parentServer(pki: TestPki, handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; port: number }> {
  const server = createServer({ ...httpsServerOptions(pki.source('parent')), requestCert: true, rejectUnauthorized: true }, handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port };
}

async function readAll(p: PieceBody): Promise<{ data: Buffer; aligned: boolean[] }> {
  const parts: Buffer[] = [];
  const aligned: boolean[] = [];
  for await (const c of p.body) {
    aligned.push(isAlignedSlab(c));
    parts.push(Buffer.from(c));
    p.release?.(c);
  }
  return { data: Buffer.concat(parts), aligned };
}

describe('PieceFetcher, slab-reading path', () => {
  const pki = new TestPki();
  const servers: (Server | NetServer)[] = [];
  const fetcher = new PieceFetcher({ tls: pki.source('child'), pieceTimeoutMs: 5_000 });
  afterEach(async () => {
    for (const s of servers.splice(0)) {
      const closed = new Promise<void>((r) => s.close(() => r()));
      if ('closeAllConnections' in s) s.closeAllConnections();
      await closed;
    }
  });
  afterAll(async () => {
    await fetcher.close();
  });

  it('reads a piece over mutual TLS into page-aligned slabs, and reuses the connection', async () => {
    const piece = randomBytesSeeded(3 * 1024 * KiB + 5, 9);
    let connections = 0;
    const { server, port } = await parentServer(pki, (req, res) => {
      expect(req.url).toBe(`/pieces/${TASK}/7`);
      // odd-sized writes: TLS records and socket reads end off page boundaries
      res.writeHead(200, { 'content-length': String(piece.length) });
      for (let at = 0; at < piece.length; at += 40_000 + 3) res.write(piece.subarray(at, at + 40_000 + 3));
      res.end();
    });
    server.on('secureConnection', () => (connections += 1));
    servers.push(server);
    for (let i = 0; i < 2; i++) {
      const p = await fetcher.fetch({ ip: '127.0.0.1', port }, TASK, 7);
      expect(p.release).toBeTypeOf('function');
      const { data, aligned } = await readAll(p);
      expect(data.equals(piece)).toBe(true);
      expect(aligned.slice(0, -1).every(Boolean)).toBe(true);
      expect(aligned.length).toBeGreaterThan(1);
      p.destroy();
    }
    expect(connections).toBe(1);
  });

  it('pauses the socket for a slow reader and still delivers every byte', async () => {
    const piece = randomBytesSeeded(12 * 1024 * KiB + 1, 4);
    const { server, port } = await parentServer(pki, (_req, res) => {
      res.writeHead(200, { 'content-length': String(piece.length) });
      res.end(piece);
    });
    servers.push(server);
    const p = await fetcher.fetch({ ip: '127.0.0.1', port }, TASK, 0);
    const parts: Buffer[] = [];
    for await (const c of p.body) {
      await new Promise((r) => setTimeout(r, 30)); // a rate-limited writer
      parts.push(Buffer.from(c));
      p.release?.(c);
    }
    expect(Buffer.concat(parts).equals(piece)).toBe(true);
  });

  it('reports an error status, and reads an answer without Content-Length through undici', async () => {
    const piece = randomBytesSeeded(100 * KiB, 2);
    const { server, port } = await parentServer(pki, (req, res) => {
      if (req.url?.endsWith('/1') === true) {
        res.writeHead(404).end('no such piece\n');
        return;
      }
      res.writeHead(200); // chunked
      res.end(piece);
    });
    servers.push(server);
    const err = await fetcher.fetch({ ip: '127.0.0.1', port }, TASK, 1).catch((e: unknown) => e);
    expect(isDfdaemonError(err, 'DF_ERR_PARENT_FAILED')).toBe(true);
    expect((err as Error).message).toMatch(/answered 404 for piece 1/);
    const p = await fetcher.fetch({ ip: '127.0.0.1', port }, TASK, 0);
    expect((await readAll(p)).data.equals(piece)).toBe(true);
  });

  it('names a parent that dies mid-piece, one that never finishes its handshake, and one past the piece deadline', async () => {
    const { server, port } = await parentServer(pki, (req, res) => {
      if (req.url?.endsWith('/0') === true) {
        res.writeHead(200, { 'content-length': String(1024 * KiB) });
        res.write(Buffer.alloc(10_000), () => res.socket?.destroy());
        return;
      }
      res.writeHead(200, { 'content-length': String(1024 * KiB) });
      res.write(Buffer.alloc(10_000)); // then nothing
    });
    servers.push(server);
    const dead = await fetcher.fetch({ ip: '127.0.0.1', port }, TASK, 0);
    const cut = await readAll(dead).catch((e: unknown) => e);
    expect(isDfdaemonError(cut, 'DF_ERR_PARENT_FAILED')).toBe(true);
    expect((cut as Error).message).toMatch(/failed mid-piece/);

    const silent = createNetServer((sock) => sock.setTimeout(1_000, () => sock.destroy())); // accepts, never speaks TLS
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    servers.push(silent);
    const quick = new PieceFetcher({ tls: pki.source('child'), pieceTimeoutMs: 5_000, connectTimeoutMs: 200 });
    const started = Date.now();
    const noHandshake = await quick.fetch({ ip: '127.0.0.1', port: (silent.address() as AddressInfo).port }, TASK, 0).catch((e: unknown) => e);
    expect(isDfdaemonError(noHandshake, 'DF_ERR_PARENT_FAILED')).toBe(true);
    expect((noHandshake as Error).message).toMatch(/no TLS handshake within 200 ms/);
    expect(Date.now() - started).toBeLessThan(3_000);
    await quick.close();

    const impatient = new PieceFetcher({ tls: pki.source('child'), pieceTimeoutMs: 300 });
    const stalled = await impatient.fetch({ ip: '127.0.0.1', port }, TASK, 2);
    const late = await readAll(stalled).catch((e: unknown) => e);
    expect(isDfdaemonError(late, 'DF_ERR_PARENT_FAILED')).toBe(true);
    await impatient.close();
  });

  it('refuses a parent whose certificate is not from our CA', async () => {
    const other = new TestPki();
    let requests = 0;
    const { server, port } = await parentServer(other, (_req, res) => {
      requests += 1;
      res.end('x');
    });
    servers.push(server);
    const err = await fetcher.fetch({ ip: '127.0.0.1', port }, TASK, 0).catch((e: unknown) => e);
    expect(isDfdaemonError(err, 'DF_ERR_PARENT_FAILED')).toBe(true);
    expect((err as Error).message).toMatch(/certificate/);
    expect(requests).toBe(0);
  });
});
