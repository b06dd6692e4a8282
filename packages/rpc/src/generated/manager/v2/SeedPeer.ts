// Original file: ../../protos/manager.proto

import type { SeedPeerCluster as _manager_v2_SeedPeerCluster, SeedPeerCluster__Output as _manager_v2_SeedPeerCluster__Output } from '../../manager/v2/SeedPeerCluster.js';
import type { Scheduler as _manager_v2_Scheduler, Scheduler__Output as _manager_v2_Scheduler__Output } from '../../manager/v2/Scheduler.js';
import type { Long } from '@grpc/proto-loader';

export interface SeedPeer {
  'id'?: (number | string | Long);
  'hostname'?: (string);
  'type'?: (string);
  'idc'?: (string);
  'location'?: (string);
  'ip'?: (string);
  'port'?: (number);
  'download_port'?: (number);
  'state'?: (string);
  'seed_peer_cluster_id'?: (number | string | Long);
  'seed_peer_cluster'?: (_manager_v2_SeedPeerCluster | null);
  'schedulers'?: (_manager_v2_Scheduler)[];
  '_idc'?: "idc";
  '_location'?: "location";
}

export interface SeedPeer__Output {
  'id': (number);
  'hostname': (string);
  'type': (string);
  'idc'?: (string);
  'location'?: (string);
  'ip': (string);
  'port': (number);
  'download_port': (number);
  'state': (string);
  'seed_peer_cluster_id': (number);
  'seed_peer_cluster': (_manager_v2_SeedPeerCluster__Output | null);
  'schedulers': (_manager_v2_Scheduler__Output)[];
  '_idc'?: "idc";
  '_location'?: "location";
}
