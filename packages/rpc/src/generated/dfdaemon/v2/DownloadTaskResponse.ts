// Original file: ../../protos/dfdaemon.proto

import type { DownloadTaskStartedResponse as _dfdaemon_v2_DownloadTaskStartedResponse, DownloadTaskStartedResponse__Output as _dfdaemon_v2_DownloadTaskStartedResponse__Output } from '../../dfdaemon/v2/DownloadTaskStartedResponse.js';
import type { DownloadPieceFinishedResponse as _dfdaemon_v2_DownloadPieceFinishedResponse, DownloadPieceFinishedResponse__Output as _dfdaemon_v2_DownloadPieceFinishedResponse__Output } from '../../dfdaemon/v2/DownloadPieceFinishedResponse.js';

export interface DownloadTaskResponse {
  'host_id'?: (string);
  'task_id'?: (string);
  'peer_id'?: (string);
  'download_task_started_response'?: (_dfdaemon_v2_DownloadTaskStartedResponse | null);
  'download_piece_finished_response'?: (_dfdaemon_v2_DownloadPieceFinishedResponse | null);
  'response'?: "download_task_started_response"|"download_piece_finished_response";
}

export interface DownloadTaskResponse__Output {
  'host_id': (string);
  'task_id': (string);
  'peer_id': (string);
  'download_task_started_response'?: (_dfdaemon_v2_DownloadTaskStartedResponse__Output | null);
  'download_piece_finished_response'?: (_dfdaemon_v2_DownloadPieceFinishedResponse__Output | null);
  'response'?: "download_task_started_response"|"download_piece_finished_response";
}
