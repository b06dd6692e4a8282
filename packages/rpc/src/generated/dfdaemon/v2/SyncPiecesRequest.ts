// Original file: ../../protos/dfdaemon.proto


export interface SyncPiecesRequest {
  'host_id'?: (string);
  'task_id'?: (string);
  'interested_piece_numbers'?: (number)[];
}

export interface SyncPiecesRequest__Output {
  'host_id': (string);
  'task_id': (string);
  'interested_piece_numbers': (number)[];
}
