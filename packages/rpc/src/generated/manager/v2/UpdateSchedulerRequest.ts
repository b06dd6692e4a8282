// Original file: ../../protos/manager.proto

import type { SourceType as _manager_v2_SourceType, SourceType__Output as _manager_v2_SourceType__Output } from '../../manager/v2/SourceType.js';
import type { Long } from '@grpc/proto-loader';

export interface UpdateSchedulerRequest {
  'source_type'?: (_manager_v2_SourceType);
  'hostname'?: (string);
  'scheduler_cluster_id'?: (number | string | Long);
  'idc'?: (string);
  'location'?: (string);
  'ip'?: (string);
  'port'?: (number);
  'features'?: (string)[];
  'config'?: (Buffer | Uint8Array | string);
  '_idc'?: "idc";
  '_location'?: "location";
}

export interface UpdateSchedulerRequest__Output {
  'source_type': (_manager_v2_SourceType__Output);
  'hostname': (string);
  'scheduler_cluster_id': (number);
  'idc'?: (string);
  'location'?: (string);
  'ip': (string);
  'port': (number);
  'features': (string)[];
  'config': (Buffer);
  '_idc'?: "idc";
  '_location'?: "location";
}
