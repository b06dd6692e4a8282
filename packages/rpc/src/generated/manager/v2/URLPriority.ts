// Original file: ../../protos/manager.proto

import type { Priority as _common_v2_Priority, Priority__Output as _common_v2_Priority__Output } from '../../common/v2/Priority.js';

export interface URLPriority {
  'regex'?: (string);
  'value'?: (_common_v2_Priority);
}

export interface URLPriority__Output {
  'regex': (string);
  'value': (_common_v2_Priority__Output);
}
