import type { ServerHttp2Stream } from 'node:http2';
import * as grpc from '@grpc/grpc-js';
import type { Logger } from '@d7y/logger';
import {
  addHealthService,
  DirectBidiCall,
  type DirectBidiCallOptions,
  endCallWithError,
  schedulerServiceDefinition,
  serveBidiDirectly,
  requestRateLimiter,
  serverOptions,
  toServiceError,
  type HealthReporter,
  type RequestRateLimiter,
  type scheduler,
} from '@d7y/rpc';
import type { CallObserver } from '@d7y/telemetry';
import { grpcServerCredentials, type TlsSource } from '@d7y/tls';
import { SchedulerError } from '../errors.js';
import type { Resource } from '../resource/resource.js';
import { AnnouncePeerSession, type AnnouncePeerSessions } from '../service/announce-peer.js';
import { decodeAnnouncePeerRequest } from '../service/announce-peer-wire.js';
import type { Caller } from '../service/caller.js';
import type { PeerAnnouncer } from '../service/peer-announcer.js';
import { ResponseEncoder, announcePeerPassThrough } from '../service/response-encoder.js';
import type { SchedulerService } from '../service/scheduler-service.js';
import { Authorizer, type SchedulerMethod } from './authorize.js';

export const SCHEDULER_SERVICE_NAME = 'scheduler.v2.Scheduler';

const ANNOUNCE_PEER = schedulerServiceDefinition.AnnouncePeer;
export const ANNOUNCE_PEER_PATH = ANNOUNCE_PEER.path;

/**
 * AnnouncePeer streams served on node:http2 directly (DirectBidiCall) instead of through grpc-js:
 * one stream per downloading peer makes grpc-js's per-call machinery most of a registration's
 * cost. Streams with compression or a deadline still go through grpc-js, as does everything else.
 * Interceptors do not see these calls: what they observe is passed here.
 */
export interface DirectAnnouncePeer {
  /** Counts and times these calls (made once: GrpcServerMetrics.callObserver). */
  observer?: CallObserver;
  /** Sees every decoded request message, before the session handles it. Must not throw. */
  onMessage?: (message: scheduler.AnnouncePeerRequest__Output) => void;
}

export interface SchedulerServerConfig {
  listenIp: string;
  port: number;
  /** RPC calls per second accepted from all clients together (upstream server.requestRateLimit). */
  requestRateLimit: number;
  /** Calls plus AnnouncePeer messages per second per identity, and the burst allowed. */
  identityRateLimit: number;
  identityBurst: number;
  /** Largest message accepted, bytes. */
  maxReceiveMessageBytes: number;
  /** AnnouncePeer messages queued per stream before it is paused. */
  maxQueuedMessages: number;
}

export interface SchedulerServerDeps {
  service: SchedulerService;
  announcer: PeerAnnouncer;
  resource: Resource;
  tls: TlsSource;
  config: SchedulerServerConfig;
  logger: Logger;
  /** Extra server interceptors, innermost first (metrics, tracing). */
  interceptors?: grpc.ServerInterceptor[];
  /** Called once the server is bound (e.g. to watch its TLS handshakes). */
  onBound?: (server: grpc.Server) => void;
  /** Serve AnnouncePeer without grpc-js (see DirectAnnouncePeer); off when undefined. */
  direct?: DirectAnnouncePeer;
}

/** scheduler.v2.Scheduler and grpc.health.v1.Health over mutual TLS. */
export class SchedulerServer {
  private readonly deps: SchedulerServerDeps;
  private readonly log: Logger;
  private readonly server: grpc.Server;
  private readonly perIdentity: RequestRateLimiter;
  private readonly global: RequestRateLimiter;
  private readonly health: HealthReporter;
  private boundPort: number | undefined;
  private readonly sessions = new Set<AnnouncePeerSession>();
  private readonly shared: AnnouncePeerSessions;
  /** How DirectBidiCall reads and writes AnnouncePeer messages: one object for every call. */
  private readonly directOptions: DirectBidiCallOptions<scheduler.AnnouncePeerRequest__Output, scheduler.AnnouncePeerResponse>;
  private readonly authorizer = new Authorizer();
  private readonly encoder = new ResponseEncoder();

  constructor(deps: SchedulerServerDeps) {
    this.deps = deps;
    this.log = deps.logger.child({ component: 'grpc' });
    this.global = requestRateLimiter({ global: { rps: deps.config.requestRateLimit, burst: deps.config.requestRateLimit } });
    this.perIdentity = requestRateLimiter({
      perClient: { rps: deps.config.identityRateLimit, burst: deps.config.identityBurst },
      maxClients: 100_000,
    });
    this.server = new grpc.Server(
      serverOptions({ maxReceiveMessageBytes: deps.config.maxReceiveMessageBytes, interceptors: deps.interceptors ?? [] }),
    );
    this.shared = {
      announcer: deps.announcer,
      resource: deps.resource,
      encoder: this.encoder,
      takeMessageToken: this.takeToken,
      maxQueuedMessages: deps.config.maxQueuedMessages,
      open: this.sessions,
      ...(deps.direct?.observer !== undefined ? { observer: deps.direct.observer } : {}),
      logger: deps.logger,
    };
    this.directOptions = announcePeerCallOptions(deps.direct?.onMessage, deps.config.maxReceiveMessageBytes);
    this.server.addService(announcePeerPassThrough(), this.handlers());
    this.health = addHealthService(this.server);
    this.health.setStatus(SCHEDULER_SERVICE_NAME, 'NOT_SERVING');
  }

  get port(): number | undefined {
    return this.boundPort;
  }

  async start(): Promise<number> {
    const { listenIp, port } = this.deps.config;
    const host = listenIp.includes(':') ? `[${listenIp}]` : listenIp;
    this.boundPort = await new Promise<number>((resolve, reject) => {
      this.server.bindAsync(`${host}:${port}`, grpcServerCredentials(this.deps.tls), (err, bound) => (err ? reject(err) : resolve(bound)));
    });
    disableNagle(this.server);
    const direct = this.deps.direct;
    if (direct !== undefined) {
      const served = serveBidiDirectly(this.server, ANNOUNCE_PEER.path, (stream) => this.announcePeerDirect(stream));
      if (!served) this.log.warn('AnnouncePeer stays on grpc-js: its server internals are not laid out as expected');
    }
    this.deps.onBound?.(this.server);
    this.health.setStatus(SCHEDULER_SERVICE_NAME, 'SERVING');
    this.log.info({ address: `${host}:${this.boundPort}` }, 'scheduler gRPC listening (mTLS)');
    return this.boundPort;
  }

  /**
   * Stops accepting calls, ends open AnnouncePeer streams with UNAVAILABLE (daemons move to another
   * scheduler or the source), lets unary calls finish for up to graceMs, then cuts what is left.
   */
  async stop(graceMs = 5_000): Promise<void> {
    this.health.setStatus(SCHEDULER_SERVICE_NAME, 'NOT_SERVING');
    await new Promise<void>((resolve) => {
      for (const session of this.sessions) session.shutdown();
      const timer = setTimeout(() => {
        this.server.forceShutdown();
        resolve();
      }, graceMs);
      timer.unref();
      this.server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** One AnnouncePeer message: charged to the caller's identity only. */
  private takeToken = (caller: Caller): boolean => this.perIdentity.tryAcquire(caller.identity);

  /**
   * One call: charged to the identity first, then to the global budget (server.requestRateLimit),
   * so a client over its own limit never spends the budget other clients need.
   */
  private admitCall(caller: Caller): void {
    if (!this.perIdentity.tryAcquire(caller.identity)) {
      throw new SchedulerError('DF_ERR_SCHEDULER_RATE_LIMITED', `identity ${caller.identity} is calling faster than its limit`);
    }
    if (!this.global.tryAcquire('')) {
      throw new SchedulerError('DF_ERR_SCHEDULER_RATE_LIMITED', 'the scheduler is at its request rate limit (server.requestRateLimit)');
    }
  }

  private unary<Req, Res>(method: SchedulerMethod, run: (req: Req, caller: Caller) => Res): grpc.handleUnaryCall<Req, Res> {
    return (call, callback) => {
      try {
        const caller = this.authorizer.authorize(call, method);
        this.admitCall(caller);
        callback(null, run(call.request, caller));
      } catch (err) {
        this.logFailure(method, err);
        callback(toServiceError(err));
      }
    };
  }

  private logFailure(method: string, err: unknown): void {
    if (err instanceof SchedulerError) this.log.debug({ method, code: err.code, reason: err.message }, 'call refused');
    else this.log.error({ method, err }, 'call failed');
  }

  private handlers(): scheduler.SchedulerHandlers {
    const { service } = this.deps;
    const unimplemented = (method: SchedulerMethod): grpc.handleUnaryCall<unknown, never> =>
      this.unary(method, () => {
        throw new SchedulerError('DF_ERR_SCHEDULER_UNIMPLEMENTED', `${method} is not implemented by this scheduler`);
      });
    return {
      AnnounceHost: this.unary('AnnounceHost', (req: scheduler.AnnounceHostRequest__Output, caller) => service.announceHost(req, caller)),
      ListHosts: this.unary('ListHosts', (req: scheduler.ListHostsRequest__Output) => service.listHosts(req)),
      DeleteHost: this.unary('DeleteHost', (req: scheduler.DeleteHostRequest__Output, caller) => service.deleteHost(req, caller)),
      StatPeer: this.unary('StatPeer', (req: scheduler.StatPeerRequest__Output) => service.statPeer(req)),
      StatTask: this.unary('StatTask', (req: scheduler.StatTaskRequest__Output) => service.statTask(req)),
      DeletePeer: this.unary('DeletePeer', (req: scheduler.DeletePeerRequest__Output, caller) => service.deletePeer(req, caller)),
      DeleteTask: this.unary('DeleteTask', (req: scheduler.DeleteTaskRequest__Output, caller) => service.deleteTask(req, caller)),
      PreheatImage: unimplemented('PreheatImage'),
      StatImage: unimplemented('StatImage'),
      PreheatFile: unimplemented('PreheatFile'),
      StatFile: unimplemented('StatFile'),
      AnnouncePeer: (call) => {
        let caller: Caller;
        try {
          caller = this.authorizer.authorize(call, 'AnnouncePeer');
          this.admitCall(caller);
        } catch (err) {
          this.logFailure('AnnouncePeer', err);
          endCallWithError(call, err);
          return;
        }
        // Rare path (deadline, compression, tracing on): the call's events go to the session.
        const session = new AnnouncePeerSession(this.shared, {
          // announcePeerPassThrough lets already-encoded responses through as they are.
          write: (res) => call.write(res as scheduler.AnnouncePeerResponse),
          end: () => call.end(),
          fail: (err) => endCallWithError(call, err),
          pause: () => call.pause(),
          resume: () => call.resume(),
        }, caller);
        call.on('data', (req: scheduler.AnnouncePeerRequest__Output) => session.onMessage(req));
        call.on('end', () => session.onHalfClose());
        call.on('error', () => session.onClose());
        call.on('close', () => session.onClose());
      },
    };
  }

  /** An AnnouncePeer stream taken from grpc-js by serveBidiDirectly. */
  private announcePeerDirect(stream: ServerHttp2Stream): void {
    const call = new DirectBidiCall(stream, this.directOptions);
    const observer = this.deps.direct?.observer;
    const startedAt = observer?.started();
    let caller: Caller;
    try {
      caller = this.authorizer.authorizeSocket(call.socket, 'AnnouncePeer');
      this.admitCall(caller);
    } catch (err) {
      this.logFailure('AnnouncePeer', err);
      if (observer !== undefined && startedAt !== undefined) observer.ended(startedAt, toServiceError(err).code);
      call.fail(err);
      return;
    }
    call.handler = new AnnouncePeerSession(this.shared, call, caller, startedAt);
  }
}

/**
 * AnnouncePeer's codec for DirectBidiCall: RegisterPeer and DownloadPeerStarted decoded by hand,
 * everything else by protobufjs; `onMessage` (metrics) sees each decoded request.
 */
function announcePeerCallOptions(
  onMessage: DirectAnnouncePeer['onMessage'],
  maxReceiveMessageBytes: number,
): DirectBidiCallOptions<scheduler.AnnouncePeerRequest__Output, scheduler.AnnouncePeerResponse> {
  const decode = ANNOUNCE_PEER.requestDeserialize;
  const deserialize = (bytes: Buffer): scheduler.AnnouncePeerRequest__Output => decodeAnnouncePeerRequest(bytes) ?? decode(bytes);
  return {
    deserialize:
      onMessage === undefined
        ? deserialize
        : (bytes) => {
            const message = deserialize(bytes);
            try {
              onMessage(message);
            } catch {
              // observation never breaks a call
            }
            return message;
          },
    serialize: ANNOUNCE_PEER.responseSerialize,
    maxReceiveMessageBytes,
  };
}

/**
 * grpc-js leaves Nagle's algorithm on for accepted sockets; many small responses multiplexed on
 * one connection then meet delayed ACKs and stall ~40 ms each. Reached through grpc-js internals
 * (its http2 servers); does nothing if their layout changes.
 */
function disableNagle(server: grpc.Server): void {
  const servers = (server as unknown as { http2Servers?: Map<unknown, unknown> }).http2Servers;
  if (!(servers instanceof Map)) return;
  for (const http2Server of servers.keys()) {
    const events = http2Server as { on?: (event: string, listener: (socket: { setNoDelay?: (on: boolean) => unknown }) => void) => unknown };
    events.on?.('secureConnection', (socket) => socket.setNoDelay?.(true));
  }
}
