import { status } from '@grpc/grpc-js';
import { RpcError } from '@d7y/rpc';
import { identityFromGrpcCall, type CallWithAuthContext, type PeerIdentity, type ServiceRole } from '@d7y/tls';

/**
 * Deny by default: the caller's certificate role must be one of `allowed`. Returns the identity.
 * Roles per RPC follow the cross-service agreement (only a scheduler or the manager triggers
 * downloads, only dfdaemons sync pieces, operators read).
 */
export function authorize(call: CallWithAuthContext, allowed: readonly ServiceRole[], rpc: string): PeerIdentity {
  const identity = identityFromGrpcCall(call);
  if (identity === undefined) throw new RpcError(status.UNAUTHENTICATED, `${rpc}: no client certificate identity`);
  if (!allowed.includes(identity.role)) {
    throw new RpcError(status.PERMISSION_DENIED, `${rpc} is not allowed for role ${identity.role}`);
  }
  return identity;
}
