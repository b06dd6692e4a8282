// Original file: ../../protos/common.proto

import type { TaskType as _common_v2_TaskType, TaskType__Output as _common_v2_TaskType__Output } from '../../common/v2/TaskType.js';
import type { SizeScope as _common_v2_SizeScope, SizeScope__Output as _common_v2_SizeScope__Output } from '../../common/v2/SizeScope.js';
import type { Piece as _common_v2_Piece, Piece__Output as _common_v2_Piece__Output } from '../../common/v2/Piece.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';
import type { Long } from '@grpc/proto-loader';

export interface Task {
  'id'?: (string);
  'type'?: (_common_v2_TaskType);
  'url'?: (string);
  'digest'?: (string);
  'tag'?: (string);
  'application'?: (string);
  'filtered_query_params'?: (string)[];
  'request_header'?: ({[key: string]: string});
  'content_length'?: (number | string | Long);
  'piece_count'?: (number);
  'size_scope'?: (_common_v2_SizeScope);
  'pieces'?: (_common_v2_Piece)[];
  'state'?: (string);
  'peer_count'?: (number);
  'has_available_peer'?: (boolean);
  'created_at'?: (_google_protobuf_Timestamp | null);
  'updated_at'?: (_google_protobuf_Timestamp | null);
  '_digest'?: "digest";
  '_tag'?: "tag";
  '_application'?: "application";
}

export interface Task__Output {
  'id': (string);
  'type': (_common_v2_TaskType__Output);
  'url': (string);
  'digest'?: (string);
  'tag'?: (string);
  'application'?: (string);
  'filtered_query_params': (string)[];
  'request_header': ({[key: string]: string});
  'content_length': (number);
  'piece_count': (number);
  'size_scope': (_common_v2_SizeScope__Output);
  'pieces': (_common_v2_Piece__Output)[];
  'state': (string);
  'peer_count': (number);
  'has_available_peer': (boolean);
  'created_at': (_google_protobuf_Timestamp__Output | null);
  'updated_at': (_google_protobuf_Timestamp__Output | null);
  '_digest'?: "digest";
  '_tag'?: "tag";
  '_application'?: "application";
}
