// Original file: ../../protos/common.proto

import type { Range as _common_v2_Range, Range__Output as _common_v2_Range__Output } from '../../common/v2/Range.js';
import type { Priority as _common_v2_Priority, Priority__Output as _common_v2_Priority__Output } from '../../common/v2/Priority.js';
import type { Piece as _common_v2_Piece, Piece__Output as _common_v2_Piece__Output } from '../../common/v2/Piece.js';
import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from '../../google/protobuf/Duration.js';
import type { Task as _common_v2_Task, Task__Output as _common_v2_Task__Output } from '../../common/v2/Task.js';
import type { Host as _common_v2_Host, Host__Output as _common_v2_Host__Output } from '../../common/v2/Host.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';

export interface Peer {
  'id'?: (string);
  'range'?: (_common_v2_Range | null);
  'priority'?: (_common_v2_Priority);
  'pieces'?: (_common_v2_Piece)[];
  'cost'?: (_google_protobuf_Duration | null);
  'state'?: (string);
  'task'?: (_common_v2_Task | null);
  'host'?: (_common_v2_Host | null);
  'need_back_to_source'?: (boolean);
  'created_at'?: (_google_protobuf_Timestamp | null);
  'updated_at'?: (_google_protobuf_Timestamp | null);
  'concurrent_piece_count'?: (number);
  '_range'?: "range";
  '_concurrent_piece_count'?: "concurrent_piece_count";
}

export interface Peer__Output {
  'id': (string);
  'range'?: (_common_v2_Range__Output | null);
  'priority': (_common_v2_Priority__Output);
  'pieces': (_common_v2_Piece__Output)[];
  'cost': (_google_protobuf_Duration__Output | null);
  'state': (string);
  'task': (_common_v2_Task__Output | null);
  'host': (_common_v2_Host__Output | null);
  'need_back_to_source': (boolean);
  'created_at': (_google_protobuf_Timestamp__Output | null);
  'updated_at': (_google_protobuf_Timestamp__Output | null);
  'concurrent_piece_count'?: (number);
  '_range'?: "range";
  '_concurrent_piece_count'?: "concurrent_piece_count";
}
