// Original file: ../../protos/dfdaemon.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';
import type { Long } from '@grpc/proto-loader';

export interface StatLocalTaskResponse {
  'task_id'?: (string);
  'piece_length'?: (number | string | Long);
  'content_length'?: (number | string | Long);
  'response_header'?: ({[key: string]: string});
  'uploading_count'?: (number | string | Long);
  'uploaded_count'?: (number | string | Long);
  'created_at'?: (_google_protobuf_Timestamp | null);
  'updated_at'?: (_google_protobuf_Timestamp | null);
  'prefetched_at'?: (_google_protobuf_Timestamp | null);
  'failed_at'?: (_google_protobuf_Timestamp | null);
  'finished_at'?: (_google_protobuf_Timestamp | null);
  '_piece_length'?: "piece_length";
  '_content_length'?: "content_length";
  '_prefetched_at'?: "prefetched_at";
  '_failed_at'?: "failed_at";
  '_finished_at'?: "finished_at";
}

export interface StatLocalTaskResponse__Output {
  'task_id': (string);
  'piece_length'?: (number);
  'content_length'?: (number);
  'response_header': ({[key: string]: string});
  'uploading_count': (number);
  'uploaded_count': (number);
  'created_at': (_google_protobuf_Timestamp__Output | null);
  'updated_at': (_google_protobuf_Timestamp__Output | null);
  'prefetched_at'?: (_google_protobuf_Timestamp__Output | null);
  'failed_at'?: (_google_protobuf_Timestamp__Output | null);
  'finished_at'?: (_google_protobuf_Timestamp__Output | null);
  '_piece_length'?: "piece_length";
  '_content_length'?: "content_length";
  '_prefetched_at'?: "prefetched_at";
  '_failed_at'?: "failed_at";
  '_finished_at'?: "finished_at";
}
