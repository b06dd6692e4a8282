// @d7y/rpc: the gRPC API of Dragonfly v2 (the subset this project uses), typed.
//
// Field names are snake_case exactly as in protos/*.proto (keepCase); 64-bit integers are JS
// numbers; enums are their names as strings (the enum objects, e.g. common.Priority, exist at run
// time too); bytes are Buffers. See proto-loader-options.ts.

export * as common from './generated/common/v2/index.js';
export * as scheduler from './generated/scheduler/v2/index.js';
export * as dfdaemon from './generated/dfdaemon/v2/index.js';
export * as manager from './generated/manager/v2/index.js';
export * as errordetails from './generated/errordetails/v2/index.js';
export * as health from './generated/grpc/health/v1/index.js';
export * as protobuf from './generated/google/protobuf/index.js';

export { PROTO_FILES, PROTO_LOADER_OPTIONS } from './proto-loader-options.js';
export { findProtoDir } from './proto-dir.js';
export { loadProtoPackage, type ProtoPackage } from './proto-package.js';
export {
  dfdaemonDownloadServiceDefinition,
  dfdaemonUploadServiceDefinition,
  healthServiceDefinition,
  managerServiceDefinition,
  protoPackage,
  schedulerServiceDefinition,
} from './service-definitions.js';
export {
  createDfdaemonDownloadClient,
  createDfdaemonUploadClient,
  createHealthClient,
  createManagerClient,
  createSchedulerClient,
} from './client-factories.js';
export {
  channelOptions,
  KEEPALIVE_TIME_MS,
  KEEPALIVE_TIMEOUT_MS,
  MAX_RECEIVE_MESSAGE_BYTES,
  MAX_SEND_MESSAGE_BYTES,
  serverOptions,
  type MessageLimits,
  type ServerOptionsOverrides,
} from './grpc-options.js';
export {
  endCallWithError,
  fromServiceError,
  INTERNAL_ERROR_MESSAGE,
  RpcError,
  statusName,
  toServiceError,
  type RpcErrorDetails,
} from './rpc-error.js';
export { STATUS_DETAILS_TRAILER, StatusDetailsCodec } from './status-details-codec.js';
export { ProtoDecodeError, ProtoReader, ProtoWriter, WireType, isWireUint, varintLength, writeVarint } from './protobuf-wire.js';
export { DirectBidiCall, allocMessage, serveBidiDirectly, servableDirectly, type DirectBidiCallOptions, type DirectBidiHandler } from './direct-bidi-call.js';
export {
  addHealthService,
  checkHealth,
  HealthReporter,
  OVERALL_HEALTH,
  type HealthStatus,
  type ServingStatus,
} from './health-service.js';
export {
  clientKeyFromPeer,
  clientKeyOf,
  RATE_LIMITED_MESSAGE,
  RequestRateLimiter,
  requestRateLimiter,
  type PeerAddressSource,
  type RateLimit,
  type RequestRateLimiterOptions,
} from './request-rate-limiter.js';
