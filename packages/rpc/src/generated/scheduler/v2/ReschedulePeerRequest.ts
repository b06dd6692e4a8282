// Original file: ../../protos/scheduler.proto

import type { Peer as _common_v2_Peer, Peer__Output as _common_v2_Peer__Output } from '../../common/v2/Peer.js';

export interface ReschedulePeerRequest {
  'candidate_parents'?: (_common_v2_Peer)[];
  'description'?: (string);
  '_description'?: "description";
}

export interface ReschedulePeerRequest__Output {
  'candidate_parents': (_common_v2_Peer__Output)[];
  'description'?: (string);
  '_description'?: "description";
}
