// Original file: ../../protos/scheduler.proto


export interface DeleteHostRequest {
  'host_id'?: (string);
}

export interface DeleteHostRequest__Output {
  'host_id': (string);
}
