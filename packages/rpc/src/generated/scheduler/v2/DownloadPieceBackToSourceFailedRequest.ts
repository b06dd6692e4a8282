// Original file: ../../protos/scheduler.proto

import type { Backend as _errordetails_v2_Backend, Backend__Output as _errordetails_v2_Backend__Output } from '../../errordetails/v2/Backend.js';
import type { Unknown as _errordetails_v2_Unknown, Unknown__Output as _errordetails_v2_Unknown__Output } from '../../errordetails/v2/Unknown.js';

export interface DownloadPieceBackToSourceFailedRequest {
  'piece_number'?: (number);
  'backend'?: (_errordetails_v2_Backend | null);
  'unknown'?: (_errordetails_v2_Unknown | null);
  '_piece_number'?: "piece_number";
  'response'?: "backend"|"unknown";
}

export interface DownloadPieceBackToSourceFailedRequest__Output {
  'piece_number'?: (number);
  'backend'?: (_errordetails_v2_Backend__Output | null);
  'unknown'?: (_errordetails_v2_Unknown__Output | null);
  '_piece_number'?: "piece_number";
  'response'?: "backend"|"unknown";
}
