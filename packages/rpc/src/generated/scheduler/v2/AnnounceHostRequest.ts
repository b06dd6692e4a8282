// Original file: ../../protos/scheduler.proto

import type { Host as _common_v2_Host, Host__Output as _common_v2_Host__Output } from '../../common/v2/Host.js';
import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from '../../google/protobuf/Duration.js';

export interface AnnounceHostRequest {
  'host'?: (_common_v2_Host | null);
  'interval'?: (_google_protobuf_Duration | null);
  '_interval'?: "interval";
}

export interface AnnounceHostRequest__Output {
  'host': (_common_v2_Host__Output | null);
  'interval'?: (_google_protobuf_Duration__Output | null);
  '_interval'?: "interval";
}
