// Original file: ../../protos/manager.proto

import type { Long } from '@grpc/proto-loader';

export interface SeedPeerCluster {
  'id'?: (number | string | Long);
  'name'?: (string);
  'bio'?: (string);
  'config'?: (Buffer | Uint8Array | string);
}

export interface SeedPeerCluster__Output {
  'id': (number);
  'name': (string);
  'bio': (string);
  'config': (Buffer);
}
