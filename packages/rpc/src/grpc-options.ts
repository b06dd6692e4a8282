import type * as grpc from '@grpc/grpc-js';

/**
 * Largest message a server or client accepts, in bytes (16 MiB). Piece bytes never travel in
 * protobuf here, so the largest messages are lists (ListHosts, ListSchedulers): ~1 KiB per host.
 * Larger messages are refused with RESOURCE_EXHAUSTED.
 */
export const MAX_RECEIVE_MESSAGE_BYTES = 16 * 1024 * 1024;
/** Largest message a server or client sends, in bytes (16 MiB). */
export const MAX_SEND_MESSAGE_BYTES = 16 * 1024 * 1024;

/** Interval between HTTP/2 keepalive pings on an idle connection, ms. */
export const KEEPALIVE_TIME_MS = 60_000;
/** How long to wait for a ping's acknowledgement before closing the connection, ms. */
export const KEEPALIVE_TIMEOUT_MS = 20_000;

export interface MessageLimits {
  maxReceiveMessageBytes?: number;
  maxSendMessageBytes?: number;
}

export interface ServerOptionsOverrides extends MessageLimits {
  /** Server interceptors, e.g. `requestRateLimiter(...).interceptor`. */
  interceptors?: grpc.ServerInterceptor[];
}

/** Options for `new grpc.Server(...)`: explicit message limits and keepalives. */
export function serverOptions(overrides: ServerOptionsOverrides = {}): grpc.ServerOptions {
  return {
    'grpc.max_receive_message_length': overrides.maxReceiveMessageBytes ?? MAX_RECEIVE_MESSAGE_BYTES,
    'grpc.max_send_message_length': overrides.maxSendMessageBytes ?? MAX_SEND_MESSAGE_BYTES,
    // Pings detect peers that vanished while holding a long stream (AnnouncePeer, KeepAlive).
    'grpc.keepalive_time_ms': KEEPALIVE_TIME_MS,
    'grpc.keepalive_timeout_ms': KEEPALIVE_TIMEOUT_MS,
    // HTTP/2 session memory in MiB: must hold a full message in flight (default 10 would refuse
    // messages near the 16 MiB limit with ENHANCE_YOUR_CALM instead of a gRPC status).
    'grpc-node.max_session_memory': 64,
    ...(overrides.interceptors ? { interceptors: overrides.interceptors } : {}),
  };
}

/** Options for clients: explicit message limits and keepalives (also while no call is open). */
export function channelOptions(overrides: MessageLimits = {}): grpc.ChannelOptions {
  return {
    'grpc.max_receive_message_length': overrides.maxReceiveMessageBytes ?? MAX_RECEIVE_MESSAGE_BYTES,
    'grpc.max_send_message_length': overrides.maxSendMessageBytes ?? MAX_SEND_MESSAGE_BYTES,
    'grpc.keepalive_time_ms': KEEPALIVE_TIME_MS,
    'grpc.keepalive_timeout_ms': KEEPALIVE_TIMEOUT_MS,
    'grpc.keepalive_permit_without_calls': 1,
    'grpc-node.max_session_memory': 64,
  };
}
