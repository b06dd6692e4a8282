// Original file: ../../protos/scheduler.proto

import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from '../../google/protobuf/Duration.js';
import type { ObjectStorage as _common_v2_ObjectStorage, ObjectStorage__Output as _common_v2_ObjectStorage__Output } from '../../common/v2/ObjectStorage.js';
import type { HDFS as _common_v2_HDFS, HDFS__Output as _common_v2_HDFS__Output } from '../../common/v2/HDFS.js';
import type { Long } from '@grpc/proto-loader';

export interface StatFileRequest {
  'url'?: (string);
  'piece_length'?: (number | string | Long);
  'tag'?: (string);
  'application'?: (string);
  'filtered_query_params'?: (string)[];
  'header'?: ({[key: string]: string});
  'concurrent_peer_count'?: (number | string | Long);
  'timeout'?: (_google_protobuf_Duration | null);
  'certificate_chain'?: (Buffer | Uint8Array | string)[];
  'insecure_skip_verify'?: (boolean);
  'object_storage'?: (_common_v2_ObjectStorage | null);
  'hdfs'?: (_common_v2_HDFS | null);
  '_piece_length'?: "piece_length";
  '_tag'?: "tag";
  '_application'?: "application";
  '_concurrent_peer_count'?: "concurrent_peer_count";
  '_timeout'?: "timeout";
  '_object_storage'?: "object_storage";
  '_hdfs'?: "hdfs";
}

export interface StatFileRequest__Output {
  'url': (string);
  'piece_length'?: (number);
  'tag'?: (string);
  'application'?: (string);
  'filtered_query_params': (string)[];
  'header': ({[key: string]: string});
  'concurrent_peer_count'?: (number);
  'timeout'?: (_google_protobuf_Duration__Output | null);
  'certificate_chain': (Buffer)[];
  'insecure_skip_verify': (boolean);
  'object_storage'?: (_common_v2_ObjectStorage__Output | null);
  'hdfs'?: (_common_v2_HDFS__Output | null);
  '_piece_length'?: "piece_length";
  '_tag'?: "tag";
  '_application'?: "application";
  '_concurrent_peer_count'?: "concurrent_peer_count";
  '_timeout'?: "timeout";
  '_object_storage'?: "object_storage";
  '_hdfs'?: "hdfs";
}
