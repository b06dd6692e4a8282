// Original file: ../../protos/manager.proto

import type { Priority as _common_v2_Priority, Priority__Output as _common_v2_Priority__Output } from '../../common/v2/Priority.js';
import type { URLPriority as _manager_v2_URLPriority, URLPriority__Output as _manager_v2_URLPriority__Output } from '../../manager/v2/URLPriority.js';

export interface ApplicationPriority {
  'value'?: (_common_v2_Priority);
  'urls'?: (_manager_v2_URLPriority)[];
}

export interface ApplicationPriority__Output {
  'value': (_common_v2_Priority__Output);
  'urls': (_manager_v2_URLPriority__Output)[];
}
