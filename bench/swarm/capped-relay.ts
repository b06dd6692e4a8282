import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { TokenBucket } from '@d7y/core';

/**
 * A TCP relay in front of the origin whose TOTAL egress (origin → clients, all connections
 * together) is capped by one token bucket: the origin's uplink of the benchmark. It counts the
 * bytes it relays, so "origin bytes" is measured on the wire, not taken from a log.
 */
export class CappedRelay {
  bytesOut = 0;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly bucket: TokenBucket;

  private constructor(server: Server, bucket: TokenBucket) {
    this.server = server;
    this.bucket = bucket;
  }

  static async start(target: { host: string; port: number }, bytesPerSecond: number): Promise<CappedRelay> {
    // Burst of 1/20 s keeps the cap honest at every scale we print.
    const bucket = new TokenBucket({ ratePerSecond: bytesPerSecond, burst: Math.max(64 * 1024, Math.floor(bytesPerSecond / 20)) });
    const server = createServer();
    const relay = new CappedRelay(server, bucket);
    server.on('connection', (client) => relay.pipe(client, target));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return relay;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  private pipe(client: Socket, target: { host: string; port: number }): void {
    const upstream = connect(target.port, target.host);
    this.sockets.add(client).add(upstream);
    const close = (): void => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      upstream.pause();
      this.bucket.acquire(chunk.length).then(
        () => {
          this.bytesOut += chunk.length;
          const flushed = client.write(chunk);
          if (flushed) upstream.resume();
          else client.once('drain', () => upstream.resume());
        },
        close,
      );
    });
    upstream.on('end', () => client.end());
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.bucket.close();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
