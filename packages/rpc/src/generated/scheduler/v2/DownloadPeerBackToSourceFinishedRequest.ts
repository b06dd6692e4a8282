// Original file: ../../protos/scheduler.proto


export interface DownloadPeerBackToSourceFinishedRequest {
}

export interface DownloadPeerBackToSourceFinishedRequest__Output {
}
