// Original file: ../../protos/scheduler.proto

import type { Image as _scheduler_v2_Image, Image__Output as _scheduler_v2_Image__Output } from '../../scheduler/v2/Image.js';
import type { PeerImage as _scheduler_v2_PeerImage, PeerImage__Output as _scheduler_v2_PeerImage__Output } from '../../scheduler/v2/PeerImage.js';

export interface StatImageResponse {
  'image'?: (_scheduler_v2_Image | null);
  'peers'?: (_scheduler_v2_PeerImage)[];
}

export interface StatImageResponse__Output {
  'image': (_scheduler_v2_Image__Output | null);
  'peers': (_scheduler_v2_PeerImage__Output)[];
}
