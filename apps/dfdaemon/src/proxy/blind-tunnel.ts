import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from '@d7y/logger';
import { replyOnSocket } from './proxy-handler.js';
import type { ConnectTarget } from './proxy-rules.js';

export interface BlindTunnelOptions {
  logger: Logger;
  /** Connect to the target within this (ms). */
  connectTimeoutMs?: number;
  /** No bytes either way for this long closes the tunnel (ms). */
  idleTimeoutMs?: number;
  /** Tracks upstream sockets so stop() can close them. */
  track?: (socket: Socket) => void;
}

/** CONNECT to a host we do not intercept: bytes are relayed as they are; TLS stays end to end. */
export function openBlindTunnel(client: Duplex, head: Buffer, target: ConnectTarget, opts: BlindTunnelOptions): void {
  const upstream = connect({ host: target.host, port: target.port });
  opts.track?.(upstream);
  let established = false;
  const connectTimer = setTimeout(() => upstream.destroy(Object.assign(new Error('connect timeout'), { code: 'ETIMEDOUT' })), opts.connectTimeoutMs ?? 10_000);
  connectTimer.unref();
  const closeBoth = (): void => {
    upstream.destroy();
    client.destroy();
  };
  upstream.once('connect', () => {
    clearTimeout(connectTimer);
    established = true;
    const idle = opts.idleTimeoutMs ?? 300_000;
    upstream.setTimeout(idle, closeBoth);
    (client as Socket).setTimeout?.(idle, closeBoth);
    client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length > 0) upstream.write(head);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  upstream.on('error', (err: NodeJS.ErrnoException) => {
    clearTimeout(connectTimer);
    if (established) return closeBoth();
    opts.logger.debug({ host: target.host, port: target.port, code: err.code }, 'tunnel connect failed');
    const timeout = err.code === 'ETIMEDOUT';
    replyOnSocket(client, timeout ? 504 : 502, timeout ? 'Gateway Timeout' : 'Bad Gateway', 'proxy', `cannot reach ${target.host}:${target.port}: ${err.code ?? 'error'}`);
  });
  upstream.on('close', () => client.destroy());
  client.on('error', closeBoth);
  client.on('close', () => upstream.destroy());
}
