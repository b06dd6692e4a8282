// Original file: ../../protos/common.proto

import type { CgroupDisk as _common_v2_CgroupDisk, CgroupDisk__Output as _common_v2_CgroupDisk__Output } from '../../common/v2/CgroupDisk.js';
import type { Long } from '@grpc/proto-loader';

export interface Disk {
  'total'?: (number | string | Long);
  'free'?: (number | string | Long);
  'used'?: (number | string | Long);
  'used_percent'?: (number | string);
  'inodes_total'?: (number | string | Long);
  'inodes_used'?: (number | string | Long);
  'inodes_free'?: (number | string | Long);
  'inodes_used_percent'?: (number | string);
  'read_bandwidth'?: (number | string | Long);
  'write_bandwidth'?: (number | string | Long);
  'cgroup'?: (_common_v2_CgroupDisk | null);
  '_cgroup'?: "cgroup";
}

export interface Disk__Output {
  'total': (number);
  'free': (number);
  'used': (number);
  'used_percent': (number);
  'inodes_total': (number);
  'inodes_used': (number);
  'inodes_free': (number);
  'inodes_used_percent': (number);
  'read_bandwidth': (number);
  'write_bandwidth': (number);
  'cgroup'?: (_common_v2_CgroupDisk__Output | null);
  '_cgroup'?: "cgroup";
}
