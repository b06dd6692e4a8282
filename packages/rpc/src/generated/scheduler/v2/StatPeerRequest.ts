// Original file: ../../protos/scheduler.proto


export interface StatPeerRequest {
  'host_id'?: (string);
  'task_id'?: (string);
  'peer_id'?: (string);
}

export interface StatPeerRequest__Output {
  'host_id': (string);
  'task_id': (string);
  'peer_id': (string);
}
