// Original file: ../../protos/dfdaemon.proto


export interface DeleteLocalTaskRequest {
  'task_id'?: (string);
  'remote_ip'?: (string);
  '_remote_ip'?: "remote_ip";
}

export interface DeleteLocalTaskRequest__Output {
  'task_id': (string);
  'remote_ip'?: (string);
  '_remote_ip'?: "remote_ip";
}
