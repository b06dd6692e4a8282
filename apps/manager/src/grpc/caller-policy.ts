import type { PeerIdentity, ServiceRole } from '@d7y/tls';
import { ManagerError } from '../errors.js';

// Which certificate roles may call which manager RPC. A caller that registers or keeps alive a
// host must be that host: the hostname in the request equals the hostname in its certificate.

export type ManagerRpc =
  | 'UpdateScheduler'
  | 'GetScheduler'
  | 'ListSchedulers'
  | 'ListApplications'
  | 'KeepAlive'
  | 'UpdateSeedPeer'
  | 'GetSeedPeer'
  | 'ListSeedPeers'
  | 'DeleteSeedPeer';

export const RPC_ROLES: Readonly<Record<ManagerRpc, readonly ServiceRole[]>> = {
  UpdateScheduler: ['scheduler'],
  GetScheduler: ['scheduler', 'client'],
  ListSchedulers: ['dfdaemon', 'scheduler', 'client'],
  ListApplications: ['scheduler', 'dfdaemon', 'client'],
  KeepAlive: ['scheduler', 'dfdaemon'],
  UpdateSeedPeer: ['dfdaemon'],
  GetSeedPeer: ['dfdaemon', 'scheduler', 'client'],
  ListSeedPeers: ['dfdaemon', 'scheduler', 'client'],
  DeleteSeedPeer: ['dfdaemon'],
};

/** Roles whose requests name themselves: the request hostname must be the certificate's. */
const SELF_NAMING: ReadonlySet<ServiceRole> = new Set(['scheduler', 'dfdaemon']);

export function authorizeCaller(rpc: ManagerRpc, identity: PeerIdentity | undefined, requestHostname: string): PeerIdentity {
  if (identity === undefined) {
    throw new ManagerError('DF_ERR_MANAGER_UNAUTHORIZED', 'client certificate carries no dragonfly identity');
  }
  if (!RPC_ROLES[rpc].includes(identity.role)) {
    throw new ManagerError('DF_ERR_MANAGER_FORBIDDEN', `role ${identity.role} may not call ${rpc}`);
  }
  if (SELF_NAMING.has(identity.role) && requestHostname !== identity.hostname) {
    throw new ManagerError(
      'DF_ERR_MANAGER_FORBIDDEN',
      `hostname ${JSON.stringify(requestHostname)} does not match the caller's certificate (${JSON.stringify(identity.hostname)})`,
    );
  }
  return identity;
}
