// Original file: ../../protos/scheduler.proto


export interface DeletePeerRequest {
  'host_id'?: (string);
  'task_id'?: (string);
  'peer_id'?: (string);
}

export interface DeletePeerRequest__Output {
  'host_id': (string);
  'task_id': (string);
  'peer_id': (string);
}
