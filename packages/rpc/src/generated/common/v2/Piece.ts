// Original file: ../../protos/common.proto

import type { TrafficType as _common_v2_TrafficType, TrafficType__Output as _common_v2_TrafficType__Output } from '../../common/v2/TrafficType.js';
import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from '../../google/protobuf/Duration.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';
import type { Long } from '@grpc/proto-loader';

export interface Piece {
  'number'?: (number);
  'parent_id'?: (string);
  'offset'?: (number | string | Long);
  'length'?: (number | string | Long);
  'digest'?: (string);
  'content'?: (Buffer | Uint8Array | string);
  'traffic_type'?: (_common_v2_TrafficType);
  'cost'?: (_google_protobuf_Duration | null);
  'created_at'?: (_google_protobuf_Timestamp | null);
  '_parent_id'?: "parent_id";
  '_content'?: "content";
  '_traffic_type'?: "traffic_type";
}

export interface Piece__Output {
  'number': (number);
  'parent_id'?: (string);
  'offset': (number);
  'length': (number);
  'digest': (string);
  'content'?: (Buffer);
  'traffic_type'?: (_common_v2_TrafficType__Output);
  'cost': (_google_protobuf_Duration__Output | null);
  'created_at': (_google_protobuf_Timestamp__Output | null);
  '_parent_id'?: "parent_id";
  '_content'?: "content";
  '_traffic_type'?: "traffic_type";
}
