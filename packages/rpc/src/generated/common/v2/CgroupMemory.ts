// Original file: ../../protos/common.proto

import type { Long } from '@grpc/proto-loader';

export interface CgroupMemory {
  'limit'?: (number | string | Long);
  'usage'?: (number | string | Long);
  'used_percent'?: (number | string);
}

export interface CgroupMemory__Output {
  'limit': (number);
  'usage': (number);
  'used_percent': (number);
}
