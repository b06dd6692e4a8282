// Original file: ../../protos/scheduler.proto

import type { Piece as _common_v2_Piece, Piece__Output as _common_v2_Piece__Output } from '../../common/v2/Piece.js';

export interface DownloadPieceFinishedRequest {
  'piece'?: (_common_v2_Piece | null);
}

export interface DownloadPieceFinishedRequest__Output {
  'piece': (_common_v2_Piece__Output | null);
}
