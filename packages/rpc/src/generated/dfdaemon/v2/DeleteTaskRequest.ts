// Original file: ../../protos/dfdaemon.proto


export interface DeleteTaskRequest {
  'task_id'?: (string);
  'remote_ip'?: (string);
  '_remote_ip'?: "remote_ip";
}

export interface DeleteTaskRequest__Output {
  'task_id': (string);
  'remote_ip'?: (string);
  '_remote_ip'?: "remote_ip";
}
