// Original file: ../../protos/scheduler.proto

import type { Layer as _scheduler_v2_Layer, Layer__Output as _scheduler_v2_Layer__Output } from '../../scheduler/v2/Layer.js';

export interface Image {
  'layers'?: (_scheduler_v2_Layer)[];
}

export interface Image__Output {
  'layers': (_scheduler_v2_Layer__Output)[];
}
