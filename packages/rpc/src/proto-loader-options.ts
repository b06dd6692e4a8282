import type { Options } from '@grpc/proto-loader';

/**
 * How protobuf messages become JavaScript objects at run time. MUST equal the flags of
 * scripts/generate.sh (a test compares them), or the generated types would lie:
 * - keepCase: field names stay snake_case exactly as in the .proto files (`host_id`, `task_id`);
 * - longs: Number — 64-bit integers are JS numbers (exact up to 2^53 - 1 bytes, plenty);
 * - enums: String — enum values are their names (`'LEVEL6'`, `'REMOTE_PEER'`);
 * - defaults: absent scalars, repeated and map fields read as their zero values;
 *   absent message fields read as null, absent `optional` fields stay undefined;
 * - oneofs: each oneof gets a virtual field naming the member that is set
 *   (`request: 'register_peer_request'`);
 * - bytes are Buffers (the proto-loader default).
 */
export const PROTO_LOADER_OPTIONS = {
  keepCase: true,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
} as const satisfies Options;

/** The .proto files under the repository's protos/ directory that make up the API. */
export const PROTO_FILES = [
  'common.proto',
  'errordetails.proto',
  'scheduler.proto',
  'dfdaemon.proto',
  'manager.proto',
  'health.proto',
  'status.proto',
] as const;
