// Original file: ../../protos/scheduler.proto


export interface DownloadPeerFinishedRequest {
}

export interface DownloadPeerFinishedRequest__Output {
}
