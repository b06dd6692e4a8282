// Original file: ../../protos/dfdaemon.proto


export interface ListLocalTasksRequest {
  'remote_ip'?: (string);
  '_remote_ip'?: "remote_ip";
}

export interface ListLocalTasksRequest__Output {
  'remote_ip'?: (string);
  '_remote_ip'?: "remote_ip";
}
