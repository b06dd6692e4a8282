// Original file: ../../protos/common.proto

import type { CgroupMemory as _common_v2_CgroupMemory, CgroupMemory__Output as _common_v2_CgroupMemory__Output } from '../../common/v2/CgroupMemory.js';
import type { Long } from '@grpc/proto-loader';

export interface Memory {
  'total'?: (number | string | Long);
  'available'?: (number | string | Long);
  'used'?: (number | string | Long);
  'used_percent'?: (number | string);
  'process_used_percent'?: (number | string);
  'free'?: (number | string | Long);
  'cgroup'?: (_common_v2_CgroupMemory | null);
  '_cgroup'?: "cgroup";
}

export interface Memory__Output {
  'total': (number);
  'available': (number);
  'used': (number);
  'used_percent': (number);
  'process_used_percent': (number);
  'free': (number);
  'cgroup'?: (_common_v2_CgroupMemory__Output | null);
  '_cgroup'?: "cgroup";
}
