// Original file: ../../protos/dfdaemon.proto

import type { Long } from '@grpc/proto-loader';

export interface Entry {
  'url'?: (string);
  'content_length'?: (number | string | Long);
  'is_dir'?: (boolean);
}

export interface Entry__Output {
  'url': (string);
  'content_length': (number);
  'is_dir': (boolean);
}
