// Original file: ../../protos/scheduler.proto

import type { PeerFile as _scheduler_v2_PeerFile, PeerFile__Output as _scheduler_v2_PeerFile__Output } from '../../scheduler/v2/PeerFile.js';

export interface StatFileResponse {
  'peers'?: (_scheduler_v2_PeerFile)[];
}

export interface StatFileResponse__Output {
  'peers': (_scheduler_v2_PeerFile__Output)[];
}
