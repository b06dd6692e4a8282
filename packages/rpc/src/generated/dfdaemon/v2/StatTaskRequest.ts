// Original file: ../../protos/dfdaemon.proto


export interface StatTaskRequest {
  'task_id'?: (string);
  'remote_ip'?: (string);
  '_remote_ip'?: "remote_ip";
}

export interface StatTaskRequest__Output {
  'task_id': (string);
  'remote_ip'?: (string);
  '_remote_ip'?: "remote_ip";
}
