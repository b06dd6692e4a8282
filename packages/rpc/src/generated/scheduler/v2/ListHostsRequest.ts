// Original file: ../../protos/scheduler.proto


export interface ListHostsRequest {
  'type'?: (number);
  '_type'?: "type";
}

export interface ListHostsRequest__Output {
  'type'?: (number);
  '_type'?: "type";
}
