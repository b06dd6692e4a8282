// Original file: ../../protos/manager.proto

import type { ApplicationPriority as _manager_v2_ApplicationPriority, ApplicationPriority__Output as _manager_v2_ApplicationPriority__Output } from '../../manager/v2/ApplicationPriority.js';
import type { Long } from '@grpc/proto-loader';

export interface Application {
  'id'?: (number | string | Long);
  'name'?: (string);
  'url'?: (string);
  'bio'?: (string);
  'priority'?: (_manager_v2_ApplicationPriority | null);
}

export interface Application__Output {
  'id': (number);
  'name': (string);
  'url': (string);
  'bio': (string);
  'priority': (_manager_v2_ApplicationPriority__Output | null);
}
