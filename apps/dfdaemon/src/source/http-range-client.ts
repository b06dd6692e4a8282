import { connect } from 'node:net';
import { DfdaemonError } from '../errors.js';
import { getRequestHead, type SlabBody } from './slab-connection.js';
import { SlabHttpConnections, type SlabHttpConnectionsDeps } from './slab-http-connections.js';

export type HttpRangeClientDeps = SlabHttpConnectionsDeps;

/** A body read by HttpRangeClient: chunks are slabs the caller hands back with `release` when done. */
export type RangeBody = SlabBody;

/**
 * The back-to-source fast path for plain-HTTP byte ranges: keep-alive sockets that read straight
 * into 2 MiB slabs (net `onread`), which go to the piece writer as they are and come back for
 * reuse. Compared with a general HTTP client this skips a 64 KiB allocation and a stream push per
 * socket read, which is most of the CPU a 1 GiB download costs on the daemon's main thread.
 *
 * Only the plain case is handled: `206` with a Content-Length equal to the asked range and no
 * transfer coding. Anything else (redirects, errors, chunked bodies) makes `get` answer
 * undefined, and the caller asks its general client instead.
 */
export class HttpRangeClient {
  private readonly conns: SlabHttpConnections;

  constructor(deps: HttpRangeClientDeps) {
    this.conns = new SlabHttpConnections(deps);
  }

  close(): void {
    this.conns.close();
  }

  /**
   * GET `path` of `url` with `Range: bytes=start-(start+length-1)`. Undefined when the origin's
   * answer is not a plain 206 of exactly that length (the caller then uses its general client).
   */
  async get(
    url: URL,
    headers: Record<string, string>,
    range: { start: number; length: number },
    signal?: AbortSignal,
  ): Promise<RangeBody | undefined> {
    if (url.protocol !== 'http:' || this.conns.isClosed) return undefined;
    const text = getRequestHead(`${url.pathname}${url.search}`, url.host, { ...headers, range: `bytes=${range.start}-${range.start + range.length - 1}` });
    if (text === undefined) return undefined;
    const port = url.port === '' ? 80 : Number(url.port);
    const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    const res = await this.conns.exchange(
      {
        key: `${url.hostname}:${port}`,
        dial: (onread) => connect({ host, port, noDelay: true, onread }),
        text,
        accept: (status, h) =>
          status === 206 && h['transfer-encoding'] === undefined && h['content-length'] === String(range.length) && contentRangeMatches(h['content-range'], range)
            ? range.length
            : undefined,
        unreachable: (message, cause) => new DfdaemonError('DF_ERR_SOURCE_UNREACHABLE', `cannot reach ${url.origin}: ${message}`, { cause }),
        bodyFailed: (message, cause) => new DfdaemonError('DF_ERR_SOURCE_UNREACHABLE', `source body failed: ${message}`, { cause }),
      },
      signal,
    );
    // Not a plain 206: the general client asks again and handles it.
    return res.body === undefined ? undefined : res;
  }
}

function contentRangeMatches(value: string | undefined, range: { start: number; length: number }): boolean {
  const m = value === undefined ? null : /^bytes\s+(\d+)-(\d+)\/(\d+|\*)$/i.exec(value.trim());
  return m !== null && Number(m[1]) === range.start && Number(m[2]) === range.start + range.length - 1;
}

