// Original file: ../../protos/common.proto

import type { Long } from '@grpc/proto-loader';

export interface CgroupDisk {
  'read_bandwidth'?: (number | string | Long);
  'write_bandwidth'?: (number | string | Long);
}

export interface CgroupDisk__Output {
  'read_bandwidth': (number);
  'write_bandwidth': (number);
}
