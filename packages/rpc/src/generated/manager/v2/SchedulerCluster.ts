// Original file: ../../protos/manager.proto

import type { Long } from '@grpc/proto-loader';

export interface SchedulerCluster {
  'id'?: (number | string | Long);
  'name'?: (string);
  'bio'?: (string);
  'config'?: (Buffer | Uint8Array | string);
  'client_config'?: (Buffer | Uint8Array | string);
  'scopes'?: (Buffer | Uint8Array | string);
  'seed_client_config'?: (Buffer | Uint8Array | string);
}

export interface SchedulerCluster__Output {
  'id': (number);
  'name': (string);
  'bio': (string);
  'config': (Buffer);
  'client_config': (Buffer);
  'scopes': (Buffer);
  'seed_client_config': (Buffer);
}
