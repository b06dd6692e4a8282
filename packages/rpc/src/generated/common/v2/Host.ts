// Original file: ../../protos/common.proto

import type { CPU as _common_v2_CPU, CPU__Output as _common_v2_CPU__Output } from '../../common/v2/CPU.js';
import type { Memory as _common_v2_Memory, Memory__Output as _common_v2_Memory__Output } from '../../common/v2/Memory.js';
import type { Network as _common_v2_Network, Network__Output as _common_v2_Network__Output } from '../../common/v2/Network.js';
import type { Disk as _common_v2_Disk, Disk__Output as _common_v2_Disk__Output } from '../../common/v2/Disk.js';
import type { Build as _common_v2_Build, Build__Output as _common_v2_Build__Output } from '../../common/v2/Build.js';
import type { Long } from '@grpc/proto-loader';

export interface Host {
  'id'?: (string);
  'type'?: (number);
  'hostname'?: (string);
  'ip'?: (string);
  'port'?: (number);
  'download_port'?: (number);
  'os'?: (string);
  'platform'?: (string);
  'platform_family'?: (string);
  'platform_version'?: (string);
  'kernel_version'?: (string);
  'cpu'?: (_common_v2_CPU | null);
  'memory'?: (_common_v2_Memory | null);
  'network'?: (_common_v2_Network | null);
  'disk'?: (_common_v2_Disk | null);
  'build'?: (_common_v2_Build | null);
  'scheduler_cluster_id'?: (number | string | Long);
  'disable_shared'?: (boolean);
  'proxy_port'?: (number);
  'name'?: (string);
  '_cpu'?: "cpu";
  '_memory'?: "memory";
  '_network'?: "network";
  '_disk'?: "disk";
  '_build'?: "build";
}

export interface Host__Output {
  'id': (string);
  'type': (number);
  'hostname': (string);
  'ip': (string);
  'port': (number);
  'download_port': (number);
  'os': (string);
  'platform': (string);
  'platform_family': (string);
  'platform_version': (string);
  'kernel_version': (string);
  'cpu'?: (_common_v2_CPU__Output | null);
  'memory'?: (_common_v2_Memory__Output | null);
  'network'?: (_common_v2_Network__Output | null);
  'disk'?: (_common_v2_Disk__Output | null);
  'build'?: (_common_v2_Build__Output | null);
  'scheduler_cluster_id': (number);
  'disable_shared': (boolean);
  'proxy_port': (number);
  'name': (string);
  '_cpu'?: "cpu";
  '_memory'?: "memory";
  '_network'?: "network";
  '_disk'?: "disk";
  '_build'?: "build";
}
