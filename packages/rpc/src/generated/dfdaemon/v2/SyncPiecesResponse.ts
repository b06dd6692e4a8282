// Original file: ../../protos/dfdaemon.proto

import type { Long } from '@grpc/proto-loader';

export interface SyncPiecesResponse {
  'number'?: (number);
  'offset'?: (number | string | Long);
  'length'?: (number | string | Long);
  'ip'?: (string);
  'tcp_port'?: (number);
  'quic_port'?: (number);
  '_tcp_port'?: "tcp_port";
  '_quic_port'?: "quic_port";
}

export interface SyncPiecesResponse__Output {
  'number': (number);
  'offset': (number);
  'length': (number);
  'ip': (string);
  'tcp_port'?: (number);
  'quic_port'?: (number);
  '_tcp_port'?: "tcp_port";
  '_quic_port'?: "quic_port";
}
