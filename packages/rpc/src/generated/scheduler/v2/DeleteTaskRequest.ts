// Original file: ../../protos/scheduler.proto


export interface DeleteTaskRequest {
  'host_id'?: (string);
  'task_id'?: (string);
}

export interface DeleteTaskRequest__Output {
  'host_id': (string);
  'task_id': (string);
}
