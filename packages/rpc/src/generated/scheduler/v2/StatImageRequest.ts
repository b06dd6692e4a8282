// Original file: ../../protos/scheduler.proto

import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from '../../google/protobuf/Duration.js';
import type { Long } from '@grpc/proto-loader';

export interface StatImageRequest {
  'url'?: (string);
  'piece_length'?: (number | string | Long);
  'tag'?: (string);
  'application'?: (string);
  'filtered_query_params'?: (string)[];
  'header'?: ({[key: string]: string});
  'username'?: (string);
  'password'?: (string);
  'platform'?: (string);
  'concurrent_layer_count'?: (number | string | Long);
  'concurrent_peer_count'?: (number | string | Long);
  'timeout'?: (_google_protobuf_Duration | null);
  'certificate_chain'?: (Buffer | Uint8Array | string)[];
  'insecure_skip_verify'?: (boolean);
  '_piece_length'?: "piece_length";
  '_tag'?: "tag";
  '_application'?: "application";
  '_username'?: "username";
  '_password'?: "password";
  '_platform'?: "platform";
  '_concurrent_layer_count'?: "concurrent_layer_count";
  '_concurrent_peer_count'?: "concurrent_peer_count";
  '_timeout'?: "timeout";
}

export interface StatImageRequest__Output {
  'url': (string);
  'piece_length'?: (number);
  'tag'?: (string);
  'application'?: (string);
  'filtered_query_params': (string)[];
  'header': ({[key: string]: string});
  'username'?: (string);
  'password'?: (string);
  'platform'?: (string);
  'concurrent_layer_count'?: (number);
  'concurrent_peer_count'?: (number);
  'timeout'?: (_google_protobuf_Duration__Output | null);
  'certificate_chain': (Buffer)[];
  'insecure_skip_verify': (boolean);
  '_piece_length'?: "piece_length";
  '_tag'?: "tag";
  '_application'?: "application";
  '_username'?: "username";
  '_password'?: "password";
  '_platform'?: "platform";
  '_concurrent_layer_count'?: "concurrent_layer_count";
  '_concurrent_peer_count'?: "concurrent_peer_count";
  '_timeout'?: "timeout";
}
