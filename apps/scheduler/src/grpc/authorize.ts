import type { TLSSocket } from 'node:tls';
import { identityFromCertificate, identityFromGrpcCall, type CallWithAuthContext, type PeerIdentity } from '@d7y/tls';
import { SchedulerError } from '../errors.js';
import { callerOf, type Caller, type CallerRole } from '../service/caller.js';

export type SchedulerMethod =
  | 'AnnounceHost'
  | 'AnnouncePeer'
  | 'DeleteHost'
  | 'DeletePeer'
  | 'DeleteTask'
  | 'ListHosts'
  | 'StatPeer'
  | 'StatTask'
  | 'PreheatImage'
  | 'StatImage'
  | 'PreheatFile'
  | 'StatFile';

const READERS: readonly CallerRole[] = ['dfdaemon', 'manager', 'client'];

/**
 * Which certificate roles may call which RPC (deny by default): only daemons change state;
 * daemons, the manager and operators may read. Host-scoped calls are further bound to the
 * certificate's hostname by the service.
 */
export const METHOD_ROLES: Readonly<Record<SchedulerMethod, readonly CallerRole[]>> = {
  AnnounceHost: ['dfdaemon'],
  AnnouncePeer: ['dfdaemon'],
  DeleteHost: ['dfdaemon'],
  DeletePeer: ['dfdaemon'],
  DeleteTask: ['dfdaemon'],
  ListHosts: READERS,
  StatPeer: READERS,
  StatTask: READERS,
  PreheatImage: [],
  StatImage: [],
  PreheatFile: [],
  StatFile: [],
};

/**
 * Turns the verified client certificate of a call into a Caller and checks the role.
 * Reading and parsing the peer certificate costs ~150 µs per call, so the identity is kept per TLS
 * connection (a connection's client certificate cannot change: renegotiation is refused).
 */
export class Authorizer {
  private readonly byConnection = new WeakMap<TLSSocket, PeerIdentity | null>();

  /** The verified caller of a call, or UNAUTHENTICATED / PERMISSION_DENIED. */
  authorize(call: CallWithAuthContext, method: SchedulerMethod): Caller {
    return this.check(this.identityOf(call), method);
  }

  /** The same, for a call served on its connection's TLS socket directly (DirectBidiCall). */
  authorizeSocket(socket: TLSSocket | undefined, method: SchedulerMethod): Caller {
    return this.check(socket?.authorized === true ? this.identityOfSocket(socket) : undefined, method);
  }

  private check(identity: PeerIdentity | undefined, method: SchedulerMethod): Caller {
    if (identity === undefined) {
      throw new SchedulerError('DF_ERR_SCHEDULER_UNAUTHENTICATED', 'the client certificate carries no dragonfly identity');
    }
    if (!METHOD_ROLES[method].includes(identity.role)) {
      throw new SchedulerError('DF_ERR_SCHEDULER_PERMISSION_DENIED', `role ${identity.role} may not call ${method}`);
    }
    return callerOf(identity.role, identity.hostname);
  }

  private identityOf(call: CallWithAuthContext): PeerIdentity | undefined {
    const socket = tlsSocketOf(call);
    if (socket === undefined || !socket.authorized) return identityFromGrpcCall(call);
    return this.identityOfSocket(socket);
  }

  /** The identity in the verified client certificate of an authorized connection, kept per connection. */
  private identityOfSocket(socket: TLSSocket): PeerIdentity | undefined {
    const cached = this.byConnection.get(socket);
    if (cached !== undefined) return cached ?? undefined;
    const raw = socket.getPeerCertificate().raw as Buffer | undefined;
    const identity = Buffer.isBuffer(raw) ? identityFromCertificate(raw) : undefined;
    this.byConnection.set(socket, identity ?? null);
    return identity;
  }
}

/**
 * The TLS socket under a grpc-js server call, found through grpc-js internals (handler call →
 * intercepting call(s) → http2 stream → session). Undefined when the layout is not the expected
 * one; the caller then falls back to the public getAuthContext().
 */
function tlsSocketOf(call: unknown): TLSSocket | undefined {
  let current = (call as { call?: unknown }).call;
  for (let depth = 0; depth < 4 && current !== undefined && current !== null; depth++) {
    const socket = (current as { stream?: { session?: { socket?: unknown } } }).stream?.session?.socket;
    if (socket !== undefined && socket !== null && typeof (socket as TLSSocket).getPeerCertificate === 'function') return socket as TLSSocket;
    current = (current as { nextCall?: unknown }).nextCall;
  }
  return undefined;
}
