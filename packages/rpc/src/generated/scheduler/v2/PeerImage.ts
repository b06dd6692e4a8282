// Original file: ../../protos/scheduler.proto

import type { Layer as _scheduler_v2_Layer, Layer__Output as _scheduler_v2_Layer__Output } from '../../scheduler/v2/Layer.js';

export interface PeerImage {
  'ip'?: (string);
  'hostname'?: (string);
  'cached_layers'?: (_scheduler_v2_Layer)[];
}

export interface PeerImage__Output {
  'ip': (string);
  'hostname': (string);
  'cached_layers': (_scheduler_v2_Layer__Output)[];
}
