// Original file: ../../protos/manager.proto

import type { SourceType as _manager_v2_SourceType, SourceType__Output as _manager_v2_SourceType__Output } from '../../manager/v2/SourceType.js';
import type { Long } from '@grpc/proto-loader';

export interface ListSchedulersRequest {
  'source_type'?: (_manager_v2_SourceType);
  'hostname'?: (string);
  'ip'?: (string);
  'idc'?: (string);
  'location'?: (string);
  'version'?: (string);
  'commit'?: (string);
  'scheduler_cluster_id'?: (number | string | Long);
  '_idc'?: "idc";
  '_location'?: "location";
}

export interface ListSchedulersRequest__Output {
  'source_type': (_manager_v2_SourceType__Output);
  'hostname': (string);
  'ip': (string);
  'idc'?: (string);
  'location'?: (string);
  'version': (string);
  'commit': (string);
  'scheduler_cluster_id': (number);
  '_idc'?: "idc";
  '_location'?: "location";
}
