// Original file: ../../protos/scheduler.proto

import type { EmptyTaskResponse as _scheduler_v2_EmptyTaskResponse, EmptyTaskResponse__Output as _scheduler_v2_EmptyTaskResponse__Output } from '../../scheduler/v2/EmptyTaskResponse.js';
import type { NormalTaskResponse as _scheduler_v2_NormalTaskResponse, NormalTaskResponse__Output as _scheduler_v2_NormalTaskResponse__Output } from '../../scheduler/v2/NormalTaskResponse.js';
import type { NeedBackToSourceResponse as _scheduler_v2_NeedBackToSourceResponse, NeedBackToSourceResponse__Output as _scheduler_v2_NeedBackToSourceResponse__Output } from '../../scheduler/v2/NeedBackToSourceResponse.js';
import type { MetadataOnlyResponse as _scheduler_v2_MetadataOnlyResponse, MetadataOnlyResponse__Output as _scheduler_v2_MetadataOnlyResponse__Output } from '../../scheduler/v2/MetadataOnlyResponse.js';

export interface AnnouncePeerResponse {
  'empty_task_response'?: (_scheduler_v2_EmptyTaskResponse | null);
  'normal_task_response'?: (_scheduler_v2_NormalTaskResponse | null);
  'need_back_to_source_response'?: (_scheduler_v2_NeedBackToSourceResponse | null);
  'metadata_only_response'?: (_scheduler_v2_MetadataOnlyResponse | null);
  'response'?: "empty_task_response"|"normal_task_response"|"need_back_to_source_response"|"metadata_only_response";
}

export interface AnnouncePeerResponse__Output {
  'empty_task_response'?: (_scheduler_v2_EmptyTaskResponse__Output | null);
  'normal_task_response'?: (_scheduler_v2_NormalTaskResponse__Output | null);
  'need_back_to_source_response'?: (_scheduler_v2_NeedBackToSourceResponse__Output | null);
  'metadata_only_response'?: (_scheduler_v2_MetadataOnlyResponse__Output | null);
  'response'?: "empty_task_response"|"normal_task_response"|"need_back_to_source_response"|"metadata_only_response";
}
