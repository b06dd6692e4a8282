import { identityFromGrpcCall, type CallWithAuthContext } from '@d7y/tls';
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

/** The verified caller of a call, or UNAUTHENTICATED / PERMISSION_DENIED. */
export function authorize(call: CallWithAuthContext, method: SchedulerMethod): Caller {
  const identity = identityFromGrpcCall(call);
  if (identity === undefined) {
    throw new SchedulerError('DF_ERR_SCHEDULER_UNAUTHENTICATED', 'the client certificate carries no dragonfly identity');
  }
  if (!METHOD_ROLES[method].includes(identity.role)) {
    throw new SchedulerError('DF_ERR_SCHEDULER_PERMISSION_DENIED', `role ${identity.role} may not call ${method}`);
  }
  return callerOf(identity.role, identity.hostname);
}
