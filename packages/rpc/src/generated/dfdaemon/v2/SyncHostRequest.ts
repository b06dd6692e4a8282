// Original file: ../../protos/dfdaemon.proto


export interface SyncHostRequest {
  'host_id'?: (string);
  'peer_id'?: (string);
}

export interface SyncHostRequest__Output {
  'host_id': (string);
  'peer_id': (string);
}
