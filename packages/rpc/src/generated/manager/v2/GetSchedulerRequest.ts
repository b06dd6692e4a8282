// Original file: ../../protos/manager.proto

import type { SourceType as _manager_v2_SourceType, SourceType__Output as _manager_v2_SourceType__Output } from '../../manager/v2/SourceType.js';
import type { Long } from '@grpc/proto-loader';

export interface GetSchedulerRequest {
  'source_type'?: (_manager_v2_SourceType);
  'hostname'?: (string);
  'scheduler_cluster_id'?: (number | string | Long);
  'ip'?: (string);
}

export interface GetSchedulerRequest__Output {
  'source_type': (_manager_v2_SourceType__Output);
  'hostname': (string);
  'scheduler_cluster_id': (number);
  'ip': (string);
}
