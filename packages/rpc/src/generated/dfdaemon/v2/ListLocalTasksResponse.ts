// Original file: ../../protos/dfdaemon.proto

import type { StatLocalTaskResponse as _dfdaemon_v2_StatLocalTaskResponse, StatLocalTaskResponse__Output as _dfdaemon_v2_StatLocalTaskResponse__Output } from '../../dfdaemon/v2/StatLocalTaskResponse.js';

export interface ListLocalTasksResponse {
  'tasks'?: (_dfdaemon_v2_StatLocalTaskResponse)[];
}

export interface ListLocalTasksResponse__Output {
  'tasks': (_dfdaemon_v2_StatLocalTaskResponse__Output)[];
}
