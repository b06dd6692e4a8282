// Original file: ../../protos/scheduler.proto


export interface StatTaskRequest {
  'host_id'?: (string);
  'task_id'?: (string);
}

export interface StatTaskRequest__Output {
  'host_id': (string);
  'task_id': (string);
}
