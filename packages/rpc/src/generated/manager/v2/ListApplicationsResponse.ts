// Original file: ../../protos/manager.proto

import type { Application as _manager_v2_Application, Application__Output as _manager_v2_Application__Output } from '../../manager/v2/Application.js';

export interface ListApplicationsResponse {
  'applications'?: (_manager_v2_Application)[];
}

export interface ListApplicationsResponse__Output {
  'applications': (_manager_v2_Application__Output)[];
}
