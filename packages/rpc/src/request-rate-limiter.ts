import * as grpc from '@grpc/grpc-js';
import { TokenBucket } from '@d7y/core';
import { RpcError } from './rpc-error.js';

/** Requests per second, and how many may come at once after an idle period. */
export interface RateLimit {
  rps: number;
  burst: number;
}

export interface RequestRateLimiterOptions {
  /** Shared by all callers. Absent = no global limit. */
  global?: RateLimit;
  /** One bucket per client IP. Absent = no per-client limit. */
  perClient?: RateLimit;
  /** Client buckets kept (least recently used are dropped beyond this); bounds memory. */
  maxClients?: number;
  /** Monotonic clock in ms (tests). */
  now?: () => number;
}

export const RATE_LIMITED_MESSAGE = 'request rate limit exceeded';
const DEFAULT_MAX_CLIENTS = 10_000;

/** The part of a server call the limiter needs: grpc-js gives "ip:port", "[ipv6]:port" or a unix path. */
export interface PeerAddressSource {
  getPeer(): string;
}

/**
 * The client IP of a call, as a bucket key: the address without its port, IPv4-mapped IPv6
 * written as IPv4; calls over a unix socket share the key "unix".
 */
export function clientKeyOf(call: PeerAddressSource): string {
  return clientKeyFromPeer(call.getPeer());
}

export function clientKeyFromPeer(peer: string): string {
  let host = peer;
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(peer);
  if (bracketed) host = bracketed[1] as string;
  else if (/^[^:]+:\d+$/.test(peer)) host = peer.slice(0, peer.lastIndexOf(':'));
  else if (!/^[0-9a-fA-F:.]+$/.test(peer)) return 'unix';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(host);
  return (mapped?.[1] ?? host).toLowerCase();
}

/**
 * Request rate limit for gRPC servers: a global token bucket and one per client IP. A request
 * over either limit is refused at once with RESOURCE_EXHAUSTED — it never waits in a queue.
 * Use `interceptor` in `serverOptions({ interceptors: [limiter.interceptor] })`, or `check(call)`
 * inside a handler.
 */
export class RequestRateLimiter {
  readonly #global: TokenBucket | undefined;
  readonly #perClient: RateLimit | undefined;
  /** Per-client buckets, least recently inserted first; `touched` is #insertions at the last insert. */
  readonly #clients = new Map<string, { bucket: TokenBucket; touched: number }>();
  #insertions = 0;
  readonly #maxClients: number;
  readonly #now: (() => number) | undefined;

  constructor(deps: RequestRateLimiterOptions) {
    if (deps.global) checkLimit('global', deps.global);
    if (deps.perClient) checkLimit('perClient', deps.perClient);
    const maxClients = deps.maxClients ?? DEFAULT_MAX_CLIENTS;
    if (!Number.isInteger(maxClients) || maxClients < 1) {
      throw new RangeError(`maxClients must be a positive integer, got ${String(maxClients)}`);
    }
    this.#now = deps.now;
    this.#maxClients = maxClients;
    this.#perClient = deps.perClient;
    this.#global = deps.global ? this.#bucket(deps.global) : undefined;
  }

  /** Takes one request token for this client; false = refuse the request. */
  tryAcquire(clientKey: string): boolean {
    const client = this.#clientBucket(clientKey);
    // Check the client's own bucket first so that a refused client does not spend global tokens.
    if (client && client.available() < 1) return false;
    if (this.#global && !this.#global.tryTake(1)) return false;
    return client ? client.tryTake(1) : true;
  }

  /** Throws RpcError(RESOURCE_EXHAUSTED) when the call is over a limit. */
  check(call: PeerAddressSource): void {
    if (!this.tryAcquire(clientKeyOf(call))) throw new RpcError(grpc.status.RESOURCE_EXHAUSTED, RATE_LIMITED_MESSAGE);
  }

  /** Server interceptor: refuses calls over a limit before any handler runs. */
  readonly interceptor: grpc.ServerInterceptor = (_method, call) =>
    new grpc.ServerInterceptingCall(call, {
      start: (next) => {
        next({
          onReceiveMetadata: (metadata, proceed) => {
            if (this.tryAcquire(clientKeyOf(call))) {
              proceed(metadata);
              return;
            }
            call.sendStatus({ code: grpc.status.RESOURCE_EXHAUSTED, details: RATE_LIMITED_MESSAGE, metadata: new grpc.Metadata() });
          },
        });
      },
    });

  #clientBucket(key: string): TokenBucket | undefined {
    if (!this.#perClient) return undefined;
    const entry = this.#clients.get(key);
    if (entry !== undefined) {
      // Move to the young end (Map order is insertion order) only once older than half the
      // capacity: a delete and set per request was most of the limiter's cost. An entry in use is
      // thus always in the newer half, never the next one evicted.
      if (this.#insertions - entry.touched >= this.#maxClients / 2) {
        this.#clients.delete(key);
        entry.touched = ++this.#insertions;
        this.#clients.set(key, entry);
      }
      return entry.bucket;
    }
    const bucket = this.#bucket(this.#perClient);
    if (this.#clients.size >= this.#maxClients) {
      const oldest = this.#clients.keys().next().value;
      if (oldest !== undefined) this.#clients.delete(oldest);
    }
    this.#clients.set(key, { bucket, touched: ++this.#insertions });
    return bucket;
  }

  #bucket(limit: RateLimit): TokenBucket {
    return new TokenBucket({ ratePerSecond: limit.rps, burst: limit.burst, ...(this.#now ? { now: this.#now } : {}) });
  }
}

export function requestRateLimiter(options: RequestRateLimiterOptions): RequestRateLimiter {
  return new RequestRateLimiter(options);
}

function checkLimit(name: string, limit: RateLimit): void {
  if (typeof limit.rps !== 'number' || !Number.isFinite(limit.rps) || limit.rps <= 0) {
    throw new RangeError(`${name}.rps must be a positive number, got ${String(limit.rps)}`);
  }
  if (typeof limit.burst !== 'number' || !Number.isFinite(limit.burst) || limit.burst < 1) {
    throw new RangeError(`${name}.burst must be at least 1, got ${String(limit.burst)}`);
  }
}
