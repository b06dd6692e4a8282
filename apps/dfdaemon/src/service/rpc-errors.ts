import { RpcError } from '@d7y/rpc';
import { DfdaemonError } from '../errors.js';

/**
 * What a handler sends for an error: domain errors keep their status and carry their code in
 * the message (`DF_ERR_…: text`) so that dfget can explain them; anything else is passed on
 * for @d7y/rpc to turn into INTERNAL without internals.
 */
export function toRpcError(err: unknown): unknown {
  if (err instanceof DfdaemonError) return new RpcError(err.grpcCode, err.wireMessage());
  return err;
}
