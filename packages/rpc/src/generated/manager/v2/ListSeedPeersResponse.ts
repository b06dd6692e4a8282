// Original file: ../../protos/manager.proto

import type { SeedPeer as _manager_v2_SeedPeer, SeedPeer__Output as _manager_v2_SeedPeer__Output } from '../../manager/v2/SeedPeer.js';

export interface ListSeedPeersResponse {
  'seed_peers'?: (_manager_v2_SeedPeer)[];
}

export interface ListSeedPeersResponse__Output {
  'seed_peers': (_manager_v2_SeedPeer__Output)[];
}
