import type { IncomingMessage } from 'node:http';
import type { ProxyContext } from './proxy-handler.js';

export const REGISTRY_HEADER = 'x-dragonfly-registry';

export class BadTargetError extends Error {
  override readonly name = 'BadTargetError';
}

/**
 * The URL a request is for:
 * - inside an intercepted tunnel: https://<CONNECT host:port><path> (the CONNECT target wins over
 *   the Host header, so a tunnel cannot be turned towards another host);
 * - absolute-form (`GET http://host/path`): that URL;
 * - origin-form without a tunnel (registry mirror mode, e.g. containerd `hosts.toml`): the upstream
 *   is `X-Dragonfly-Registry`, else containerd's `?ns=<registry>` (https; removed from the URL), else
 *   `registryMirror.addr`.
 */
export function requestTarget(req: IncomingMessage, ctx: ProxyContext, registryMirror: string): URL {
  const raw = req.url ?? '';
  if (ctx.tunnel !== undefined) {
    const path = raw.startsWith('/') ? raw : pathOf(raw);
    return parse(`https://${authority(ctx.tunnel.host, ctx.tunnel.port, 443)}${path}`);
  }
  if (/^https?:\/\//i.test(raw)) return parse(raw);
  if (!raw.startsWith('/')) throw new BadTargetError(`unsupported request target ${JSON.stringify(raw.slice(0, 100))}`);
  const registry = registryOf(req, raw) ?? registryMirror;
  const u = parse(`${registry.replace(/\/+$/, '')}${raw}`);
  // `ns` is containerd's hint to the mirror, not part of the origin's URL (nor of the task ID)
  if (u.searchParams.has('ns')) {
    u.searchParams.delete('ns');
    if (u.search === '?') u.search = '';
  }
  return u;
}

function registryOf(req: IncomingMessage, path: string): string | undefined {
  const header = req.headers[REGISTRY_HEADER];
  if (typeof header === 'string' && header !== '') {
    if (!/^https?:\/\/[^/?#@\s]+\/?$/i.test(header)) throw new BadTargetError(`${REGISTRY_HEADER} must be http(s)://host[:port]`);
    return header;
  }
  const q = path.indexOf('?');
  if (q < 0) return undefined;
  const ns = new URLSearchParams(path.slice(q + 1)).get('ns');
  if (ns === null || ns === '') return undefined;
  if (!/^[A-Za-z0-9.-]+(:\d{1,5})?$/.test(ns)) throw new BadTargetError('ns must be a registry host[:port]');
  // containerd names Docker Hub docker.io; its API lives at registry-1.docker.io
  return `https://${ns === 'docker.io' ? 'registry-1.docker.io' : ns}`;
}

function pathOf(raw: string): string {
  try {
    const u = new URL(raw);
    return `${u.pathname}${u.search}`;
  } catch {
    throw new BadTargetError('malformed request target');
  }
}

function parse(text: string): URL {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new BadTargetError('malformed request target');
  }
  if (u.username !== '' || u.password !== '') throw new BadTargetError('credentials in the request target are not allowed');
  if (u.hostname === '') throw new BadTargetError('the request target has no host');
  return u;
}

export function authority(host: string, port: number, defaultPort: number): string {
  const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return port === defaultPort ? h : `${h}:${port}`;
}

/** Parses a CONNECT target `host:port` (IPv6 in brackets). */
export function parseConnectTarget(raw: string | undefined): { host: string; port: number } {
  const m = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+):(\d{1,5})$/.exec(raw ?? '');
  if (m === null) throw new BadTargetError('CONNECT target must be host:port');
  const port = Number(m[2]);
  if (port < 1 || port > 65535) throw new BadTargetError('CONNECT port out of range');
  const host = (m[1] as string).replace(/^\[|\]$/g, '').toLowerCase();
  return { host, port };
}
