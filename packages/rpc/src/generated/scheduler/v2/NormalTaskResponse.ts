// Original file: ../../protos/scheduler.proto

import type { Peer as _common_v2_Peer, Peer__Output as _common_v2_Peer__Output } from '../../common/v2/Peer.js';

export interface NormalTaskResponse {
  'candidate_parents'?: (_common_v2_Peer)[];
}

export interface NormalTaskResponse__Output {
  'candidate_parents': (_common_v2_Peer__Output)[];
}
