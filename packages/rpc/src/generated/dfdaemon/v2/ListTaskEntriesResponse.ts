// Original file: ../../protos/dfdaemon.proto

import type { Entry as _dfdaemon_v2_Entry, Entry__Output as _dfdaemon_v2_Entry__Output } from '../../dfdaemon/v2/Entry.js';
import type { Long } from '@grpc/proto-loader';

export interface ListTaskEntriesResponse {
  'content_length'?: (number | string | Long);
  'response_header'?: ({[key: string]: string});
  'status_code'?: (number);
  'entries'?: (_dfdaemon_v2_Entry)[];
  '_status_code'?: "status_code";
}

export interface ListTaskEntriesResponse__Output {
  'content_length': (number);
  'response_header': ({[key: string]: string});
  'status_code'?: (number);
  'entries': (_dfdaemon_v2_Entry__Output)[];
  '_status_code'?: "status_code";
}
