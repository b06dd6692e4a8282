// Original file: ../../protos/manager.proto

import type { SourceType as _manager_v2_SourceType, SourceType__Output as _manager_v2_SourceType__Output } from '../../manager/v2/SourceType.js';
import type { Long } from '@grpc/proto-loader';

export interface KeepAliveRequest {
  'source_type'?: (_manager_v2_SourceType);
  'hostname'?: (string);
  'cluster_id'?: (number | string | Long);
  'ip'?: (string);
}

export interface KeepAliveRequest__Output {
  'source_type': (_manager_v2_SourceType__Output);
  'hostname': (string);
  'cluster_id': (number);
  'ip': (string);
}
