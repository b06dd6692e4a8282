import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

// RFC 9110 §7.6.1 connection-specific fields, plus the legacy Proxy-Connection.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

function connectionListed(headers: IncomingHttpHeaders): Set<string> {
  const value = headers.connection;
  const list = typeof value === 'string' ? value.split(',') : [];
  return new Set(list.map((v) => v.trim().toLowerCase()).filter((v) => v !== ''));
}

/**
 * Headers to send to the origin: hop-by-hop fields, the proxy's credentials and our own
 * X-Dragonfly-* controls removed; `Authorization` (the origin's business) kept.
 */
export function originRequestHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const listed = connectionListed(headers);
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || listed.has(name) || name.startsWith('x-dragonfly-')) continue;
    out[name] = value;
  }
  return out;
}

/** Same, flattened to strings, for a P2P task (`Host` and `Range` are the download engine's). */
export function taskRequestHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(originRequestHeaders(headers))) {
    if (name === 'host' || name === 'range' || name === 'content-length' || value === undefined) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return out;
}

/** The origin's response headers without hop-by-hop fields. */
export function clientResponseHeaders(headers: IncomingHttpHeaders | Record<string, string>): OutgoingHttpHeaders {
  const listed = connectionListed(headers);
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (value === undefined || HOP_BY_HOP.has(lower) || listed.has(lower)) continue;
    out[lower] = value;
  }
  return out;
}
