// Original file: ../../protos/dfdaemon.proto


export interface StatLocalTaskRequest {
  'task_id'?: (string);
  'remote_ip'?: (string);
  '_remote_ip'?: "remote_ip";
}

export interface StatLocalTaskRequest__Output {
  'task_id': (string);
  'remote_ip'?: (string);
  '_remote_ip'?: "remote_ip";
}
