// Original file: ../../protos/scheduler.proto

import type { RegisterPeerRequest as _scheduler_v2_RegisterPeerRequest, RegisterPeerRequest__Output as _scheduler_v2_RegisterPeerRequest__Output } from '../../scheduler/v2/RegisterPeerRequest.js';
import type { DownloadPeerStartedRequest as _scheduler_v2_DownloadPeerStartedRequest, DownloadPeerStartedRequest__Output as _scheduler_v2_DownloadPeerStartedRequest__Output } from '../../scheduler/v2/DownloadPeerStartedRequest.js';
import type { DownloadPeerBackToSourceStartedRequest as _scheduler_v2_DownloadPeerBackToSourceStartedRequest, DownloadPeerBackToSourceStartedRequest__Output as _scheduler_v2_DownloadPeerBackToSourceStartedRequest__Output } from '../../scheduler/v2/DownloadPeerBackToSourceStartedRequest.js';
import type { ReschedulePeerRequest as _scheduler_v2_ReschedulePeerRequest, ReschedulePeerRequest__Output as _scheduler_v2_ReschedulePeerRequest__Output } from '../../scheduler/v2/ReschedulePeerRequest.js';
import type { DownloadPeerFinishedRequest as _scheduler_v2_DownloadPeerFinishedRequest, DownloadPeerFinishedRequest__Output as _scheduler_v2_DownloadPeerFinishedRequest__Output } from '../../scheduler/v2/DownloadPeerFinishedRequest.js';
import type { DownloadPeerBackToSourceFinishedRequest as _scheduler_v2_DownloadPeerBackToSourceFinishedRequest, DownloadPeerBackToSourceFinishedRequest__Output as _scheduler_v2_DownloadPeerBackToSourceFinishedRequest__Output } from '../../scheduler/v2/DownloadPeerBackToSourceFinishedRequest.js';
import type { DownloadPeerFailedRequest as _scheduler_v2_DownloadPeerFailedRequest, DownloadPeerFailedRequest__Output as _scheduler_v2_DownloadPeerFailedRequest__Output } from '../../scheduler/v2/DownloadPeerFailedRequest.js';
import type { DownloadPeerBackToSourceFailedRequest as _scheduler_v2_DownloadPeerBackToSourceFailedRequest, DownloadPeerBackToSourceFailedRequest__Output as _scheduler_v2_DownloadPeerBackToSourceFailedRequest__Output } from '../../scheduler/v2/DownloadPeerBackToSourceFailedRequest.js';
import type { DownloadPieceFinishedRequest as _scheduler_v2_DownloadPieceFinishedRequest, DownloadPieceFinishedRequest__Output as _scheduler_v2_DownloadPieceFinishedRequest__Output } from '../../scheduler/v2/DownloadPieceFinishedRequest.js';
import type { DownloadPieceBackToSourceFinishedRequest as _scheduler_v2_DownloadPieceBackToSourceFinishedRequest, DownloadPieceBackToSourceFinishedRequest__Output as _scheduler_v2_DownloadPieceBackToSourceFinishedRequest__Output } from '../../scheduler/v2/DownloadPieceBackToSourceFinishedRequest.js';
import type { DownloadPieceFailedRequest as _scheduler_v2_DownloadPieceFailedRequest, DownloadPieceFailedRequest__Output as _scheduler_v2_DownloadPieceFailedRequest__Output } from '../../scheduler/v2/DownloadPieceFailedRequest.js';
import type { DownloadPieceBackToSourceFailedRequest as _scheduler_v2_DownloadPieceBackToSourceFailedRequest, DownloadPieceBackToSourceFailedRequest__Output as _scheduler_v2_DownloadPieceBackToSourceFailedRequest__Output } from '../../scheduler/v2/DownloadPieceBackToSourceFailedRequest.js';

export interface AnnouncePeerRequest {
  'host_id'?: (string);
  'task_id'?: (string);
  'peer_id'?: (string);
  'register_peer_request'?: (_scheduler_v2_RegisterPeerRequest | null);
  'download_peer_started_request'?: (_scheduler_v2_DownloadPeerStartedRequest | null);
  'download_peer_back_to_source_started_request'?: (_scheduler_v2_DownloadPeerBackToSourceStartedRequest | null);
  'reschedule_peer_request'?: (_scheduler_v2_ReschedulePeerRequest | null);
  'download_peer_finished_request'?: (_scheduler_v2_DownloadPeerFinishedRequest | null);
  'download_peer_back_to_source_finished_request'?: (_scheduler_v2_DownloadPeerBackToSourceFinishedRequest | null);
  'download_peer_failed_request'?: (_scheduler_v2_DownloadPeerFailedRequest | null);
  'download_peer_back_to_source_failed_request'?: (_scheduler_v2_DownloadPeerBackToSourceFailedRequest | null);
  'download_piece_finished_request'?: (_scheduler_v2_DownloadPieceFinishedRequest | null);
  'download_piece_back_to_source_finished_request'?: (_scheduler_v2_DownloadPieceBackToSourceFinishedRequest | null);
  'download_piece_failed_request'?: (_scheduler_v2_DownloadPieceFailedRequest | null);
  'download_piece_back_to_source_failed_request'?: (_scheduler_v2_DownloadPieceBackToSourceFailedRequest | null);
  'request'?: "register_peer_request"|"download_peer_started_request"|"download_peer_back_to_source_started_request"|"reschedule_peer_request"|"download_peer_finished_request"|"download_peer_back_to_source_finished_request"|"download_peer_failed_request"|"download_peer_back_to_source_failed_request"|"download_piece_finished_request"|"download_piece_back_to_source_finished_request"|"download_piece_failed_request"|"download_piece_back_to_source_failed_request";
}

export interface AnnouncePeerRequest__Output {
  'host_id': (string);
  'task_id': (string);
  'peer_id': (string);
  'register_peer_request'?: (_scheduler_v2_RegisterPeerRequest__Output | null);
  'download_peer_started_request'?: (_scheduler_v2_DownloadPeerStartedRequest__Output | null);
  'download_peer_back_to_source_started_request'?: (_scheduler_v2_DownloadPeerBackToSourceStartedRequest__Output | null);
  'reschedule_peer_request'?: (_scheduler_v2_ReschedulePeerRequest__Output | null);
  'download_peer_finished_request'?: (_scheduler_v2_DownloadPeerFinishedRequest__Output | null);
  'download_peer_back_to_source_finished_request'?: (_scheduler_v2_DownloadPeerBackToSourceFinishedRequest__Output | null);
  'download_peer_failed_request'?: (_scheduler_v2_DownloadPeerFailedRequest__Output | null);
  'download_peer_back_to_source_failed_request'?: (_scheduler_v2_DownloadPeerBackToSourceFailedRequest__Output | null);
  'download_piece_finished_request'?: (_scheduler_v2_DownloadPieceFinishedRequest__Output | null);
  'download_piece_back_to_source_finished_request'?: (_scheduler_v2_DownloadPieceBackToSourceFinishedRequest__Output | null);
  'download_piece_failed_request'?: (_scheduler_v2_DownloadPieceFailedRequest__Output | null);
  'download_piece_back_to_source_failed_request'?: (_scheduler_v2_DownloadPieceBackToSourceFailedRequest__Output | null);
  'request'?: "register_peer_request"|"download_peer_started_request"|"download_peer_back_to_source_started_request"|"reschedule_peer_request"|"download_peer_finished_request"|"download_peer_back_to_source_finished_request"|"download_peer_failed_request"|"download_peer_back_to_source_failed_request"|"download_piece_finished_request"|"download_piece_back_to_source_finished_request"|"download_piece_failed_request"|"download_piece_back_to_source_failed_request";
}
