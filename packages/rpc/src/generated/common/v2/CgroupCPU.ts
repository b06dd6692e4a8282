// Original file: ../../protos/common.proto

import type { Long } from '@grpc/proto-loader';

export interface CgroupCPU {
  'period'?: (number | string | Long);
  'quota'?: (number | string | Long);
  'used_percent'?: (number | string);
}

export interface CgroupCPU__Output {
  'period': (number);
  'quota': (number);
  'used_percent': (number);
}
