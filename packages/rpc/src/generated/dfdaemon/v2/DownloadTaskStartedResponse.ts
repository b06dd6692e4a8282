// Original file: ../../protos/dfdaemon.proto

import type { Range as _common_v2_Range, Range__Output as _common_v2_Range__Output } from '../../common/v2/Range.js';
import type { Piece as _common_v2_Piece, Piece__Output as _common_v2_Piece__Output } from '../../common/v2/Piece.js';
import type { Long } from '@grpc/proto-loader';

export interface DownloadTaskStartedResponse {
  'content_length'?: (number | string | Long);
  'range'?: (_common_v2_Range | null);
  'response_header'?: ({[key: string]: string});
  'pieces'?: (_common_v2_Piece)[];
  'is_finished'?: (boolean);
  '_range'?: "range";
}

export interface DownloadTaskStartedResponse__Output {
  'content_length': (number);
  'range'?: (_common_v2_Range__Output | null);
  'response_header': ({[key: string]: string});
  'pieces': (_common_v2_Piece__Output)[];
  'is_finished': (boolean);
  '_range'?: "range";
}
