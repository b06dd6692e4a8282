// Original file: ../../protos/scheduler.proto


export interface DownloadPieceFailedRequest {
  'piece_number'?: (number);
  'parent_id'?: (string);
  'temporary'?: (boolean);
  '_piece_number'?: "piece_number";
}

export interface DownloadPieceFailedRequest__Output {
  'piece_number'?: (number);
  'parent_id': (string);
  'temporary': (boolean);
  '_piece_number'?: "piece_number";
}
