// Original file: ../../protos/scheduler.proto


export interface DownloadPeerBackToSourceStartedRequest {
  'description'?: (string);
  '_description'?: "description";
}

export interface DownloadPeerBackToSourceStartedRequest__Output {
  'description'?: (string);
  '_description'?: "description";
}
