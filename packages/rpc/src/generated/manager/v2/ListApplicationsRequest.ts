// Original file: ../../protos/manager.proto

import type { SourceType as _manager_v2_SourceType, SourceType__Output as _manager_v2_SourceType__Output } from '../../manager/v2/SourceType.js';

export interface ListApplicationsRequest {
  'source_type'?: (_manager_v2_SourceType);
  'hostname'?: (string);
  'ip'?: (string);
}

export interface ListApplicationsRequest__Output {
  'source_type': (_manager_v2_SourceType__Output);
  'hostname': (string);
  'ip': (string);
}
