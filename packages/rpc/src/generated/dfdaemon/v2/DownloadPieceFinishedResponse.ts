// Original file: ../../protos/dfdaemon.proto

import type { Piece as _common_v2_Piece, Piece__Output as _common_v2_Piece__Output } from '../../common/v2/Piece.js';

export interface DownloadPieceFinishedResponse {
  'piece'?: (_common_v2_Piece | null);
}

export interface DownloadPieceFinishedResponse__Output {
  'piece': (_common_v2_Piece__Output | null);
}
