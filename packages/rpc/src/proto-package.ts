import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType as DfdaemonProto } from './generated/dfdaemon.js';
import type { ProtoGrpcType as HealthProto } from './generated/health.js';
import type { ProtoGrpcType as ManagerProto } from './generated/manager.js';
import type { ProtoGrpcType as SchedulerProto } from './generated/scheduler.js';
import { findProtoDir } from './proto-dir.js';
import { PROTO_FILES, PROTO_LOADER_OPTIONS } from './proto-loader-options.js';

/** Every package of the API, loaded: service constructors (clients) and their definitions. */
export type ProtoPackage = SchedulerProto & DfdaemonProto & ManagerProto & HealthProto;

/** Loads protos/*.proto with the options the generated types were made with. */
export function loadProtoPackage(protoDir: string = findProtoDir()): ProtoPackage {
  const definition = protoLoader.loadSync([...PROTO_FILES], { ...PROTO_LOADER_OPTIONS, includeDirs: [protoDir] });
  return grpc.loadPackageDefinition(definition) as unknown as ProtoPackage;
}
