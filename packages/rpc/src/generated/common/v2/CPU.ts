// Original file: ../../protos/common.proto

import type { CPUTimes as _common_v2_CPUTimes, CPUTimes__Output as _common_v2_CPUTimes__Output } from '../../common/v2/CPUTimes.js';
import type { CgroupCPU as _common_v2_CgroupCPU, CgroupCPU__Output as _common_v2_CgroupCPU__Output } from '../../common/v2/CgroupCPU.js';

export interface CPU {
  'logical_count'?: (number);
  'physical_count'?: (number);
  'percent'?: (number | string);
  'process_percent'?: (number | string);
  'times'?: (_common_v2_CPUTimes | null);
  'cgroup'?: (_common_v2_CgroupCPU | null);
  '_times'?: "times";
  '_cgroup'?: "cgroup";
}

export interface CPU__Output {
  'logical_count': (number);
  'physical_count': (number);
  'percent': (number);
  'process_percent': (number);
  'times'?: (_common_v2_CPUTimes__Output | null);
  'cgroup'?: (_common_v2_CgroupCPU__Output | null);
  '_times'?: "times";
  '_cgroup'?: "cgroup";
}
