// Original file: ../../protos/scheduler.proto


export interface DownloadPeerStartedRequest {
}

export interface DownloadPeerStartedRequest__Output {
}
