// The grpc-js client of the daemon's local API, loading dfdaemon.proto and its imports only, on
// first use. dfget does not use it: its one call goes over node:http2 (dfdaemon-download-h2.ts).
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType as DfdaemonProto } from './generated/dfdaemon.js';
import type { DfdaemonDownloadClient } from './generated/dfdaemon/v2/DfdaemonDownload.js';
import { assertAddress } from './grpc-address.js';
import { channelOptions } from './grpc-options.js';
import { findProtoDir } from './proto-dir.js';
import { PROTO_LOADER_OPTIONS } from './proto-loader-options.js';

let loaded: DfdaemonProto | undefined;

/** dfdaemon.v2 (and the packages its proto imports), loaded on first use. */
function dfdaemonPackage(): DfdaemonProto {
  loaded ??= grpc.loadPackageDefinition(
    protoLoader.loadSync(['dfdaemon.proto'], { ...PROTO_LOADER_OPTIONS, includeDirs: [findProtoDir()] }),
  ) as unknown as DfdaemonProto;
  return loaded;
}

/** A DfdaemonDownload client, e.g. on `unix:///var/run/dragonfly/dfdaemon.sock`. */
export function createDfdaemonDownloadClient(
  address: string,
  credentials: grpc.ChannelCredentials,
  options: grpc.ChannelOptions = {},
): DfdaemonDownloadClient {
  assertAddress(address);
  return new (dfdaemonPackage().dfdaemon.v2.DfdaemonDownload)(address, credentials, { ...channelOptions(), ...options });
}
