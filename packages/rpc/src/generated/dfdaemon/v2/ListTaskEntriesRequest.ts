// Original file: ../../protos/dfdaemon.proto

import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from '../../google/protobuf/Duration.js';
import type { ObjectStorage as _common_v2_ObjectStorage, ObjectStorage__Output as _common_v2_ObjectStorage__Output } from '../../common/v2/ObjectStorage.js';
import type { HDFS as _common_v2_HDFS, HDFS__Output as _common_v2_HDFS__Output } from '../../common/v2/HDFS.js';
import type { HuggingFace as _common_v2_HuggingFace, HuggingFace__Output as _common_v2_HuggingFace__Output } from '../../common/v2/HuggingFace.js';
import type { ModelScope as _common_v2_ModelScope, ModelScope__Output as _common_v2_ModelScope__Output } from '../../common/v2/ModelScope.js';

export interface ListTaskEntriesRequest {
  'task_id'?: (string);
  'url'?: (string);
  'request_header'?: ({[key: string]: string});
  'timeout'?: (_google_protobuf_Duration | null);
  'certificate_chain'?: (Buffer | Uint8Array | string)[];
  'object_storage'?: (_common_v2_ObjectStorage | null);
  'hdfs'?: (_common_v2_HDFS | null);
  'remote_ip'?: (string);
  'hugging_face'?: (_common_v2_HuggingFace | null);
  'model_scope'?: (_common_v2_ModelScope | null);
  '_timeout'?: "timeout";
  '_object_storage'?: "object_storage";
  '_hdfs'?: "hdfs";
  '_remote_ip'?: "remote_ip";
  '_hugging_face'?: "hugging_face";
  '_model_scope'?: "model_scope";
}

export interface ListTaskEntriesRequest__Output {
  'task_id': (string);
  'url': (string);
  'request_header': ({[key: string]: string});
  'timeout'?: (_google_protobuf_Duration__Output | null);
  'certificate_chain': (Buffer)[];
  'object_storage'?: (_common_v2_ObjectStorage__Output | null);
  'hdfs'?: (_common_v2_HDFS__Output | null);
  'remote_ip'?: (string);
  'hugging_face'?: (_common_v2_HuggingFace__Output | null);
  'model_scope'?: (_common_v2_ModelScope__Output | null);
  '_timeout'?: "timeout";
  '_object_storage'?: "object_storage";
  '_hdfs'?: "hdfs";
  '_remote_ip'?: "remote_ip";
  '_hugging_face'?: "hugging_face";
  '_model_scope'?: "model_scope";
}
