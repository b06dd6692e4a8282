import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

/** Where a request came from and how it reached us. */
export interface ProxyContext {
  /** The client's IP (the TCP peer, never a header). */
  clientIp: string;
  /** Set for requests that arrive inside an intercepted CONNECT tunnel: the tunnel's `host:port`. */
  tunnel?: { host: string; port: number };
}

/**
 * One proxy layer. Policies (basic auth, rate limit, rules) wrap a handler and return one, so the
 * proxy is `basicAuth(rateLimit(rules(handler)))`. `connect` owns the raw client socket.
 */
export interface ProxyHandler {
  request(req: IncomingMessage, res: ServerResponse, ctx: ProxyContext): void | Promise<void>;
  connect(req: IncomingMessage, socket: Duplex, head: Buffer, ctx: ProxyContext): void | Promise<void>;
}

/** Response header telling clients which layer failed (upstream's names). */
export const ERROR_TYPE_HEADER = 'x-dragonfly-error-type';
export type ProxyErrorType = 'proxy' | 'backend' | 'dfdaemon';

/** A small complete answer on a plain request. */
export function replyError(
  res: ServerResponse,
  status: number,
  type: ProxyErrorType,
  message: string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = `${message}\n`;
  res.writeHead(status, {
    ...headers,
    [ERROR_TYPE_HEADER]: type,
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** A complete answer written on a CONNECT socket (no TLS yet), then the socket is closed. */
export function replyOnSocket(
  socket: Duplex,
  status: number,
  reason: string,
  type: ProxyErrorType,
  message: string,
  headers: Record<string, string> = {},
): void {
  const body = `${message}\n`;
  const lines = [
    `HTTP/1.1 ${status} ${reason}`,
    ...Object.entries({ ...headers, [ERROR_TYPE_HEADER]: type }).map(([k, v]) => `${k}: ${v}`),
    'Content-Type: text/plain; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    '',
    '',
  ];
  if (socket.writable) socket.end(lines.join('\r\n') + body);
  else socket.destroy();
}
