// Original file: ../../protos/manager.proto

import type { SchedulerCluster as _manager_v2_SchedulerCluster, SchedulerCluster__Output as _manager_v2_SchedulerCluster__Output } from '../../manager/v2/SchedulerCluster.js';
import type { SeedPeer as _manager_v2_SeedPeer, SeedPeer__Output as _manager_v2_SeedPeer__Output } from '../../manager/v2/SeedPeer.js';
import type { Long } from '@grpc/proto-loader';

export interface Scheduler {
  'id'?: (number | string | Long);
  'hostname'?: (string);
  'idc'?: (string);
  'location'?: (string);
  'ip'?: (string);
  'port'?: (number);
  'state'?: (string);
  'scheduler_cluster_id'?: (number | string | Long);
  'scheduler_cluster'?: (_manager_v2_SchedulerCluster | null);
  'seed_peers'?: (_manager_v2_SeedPeer)[];
  'features'?: (Buffer | Uint8Array | string);
  '_idc'?: "idc";
  '_location'?: "location";
}

export interface Scheduler__Output {
  'id': (number);
  'hostname': (string);
  'idc'?: (string);
  'location'?: (string);
  'ip': (string);
  'port': (number);
  'state': (string);
  'scheduler_cluster_id': (number);
  'scheduler_cluster': (_manager_v2_SchedulerCluster__Output | null);
  'seed_peers': (_manager_v2_SeedPeer__Output)[];
  'features': (Buffer);
  '_idc'?: "idc";
  '_location'?: "location";
}
