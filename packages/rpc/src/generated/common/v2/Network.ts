// Original file: ../../protos/common.proto

import type { Long } from '@grpc/proto-loader';

export interface Network {
  'tcp_connection_count'?: (number);
  'upload_tcp_connection_count'?: (number);
  'location'?: (string);
  'idc'?: (string);
  'max_rx_bandwidth'?: (number | string | Long);
  'rx_bandwidth'?: (number | string | Long);
  'max_tx_bandwidth'?: (number | string | Long);
  'tx_bandwidth'?: (number | string | Long);
  '_location'?: "location";
  '_idc'?: "idc";
  '_rx_bandwidth'?: "rx_bandwidth";
  '_tx_bandwidth'?: "tx_bandwidth";
}

export interface Network__Output {
  'tcp_connection_count': (number);
  'upload_tcp_connection_count': (number);
  'location'?: (string);
  'idc'?: (string);
  'max_rx_bandwidth': (number);
  'rx_bandwidth'?: (number);
  'max_tx_bandwidth': (number);
  'tx_bandwidth'?: (number);
  '_location'?: "location";
  '_idc'?: "idc";
  '_rx_bandwidth'?: "rx_bandwidth";
  '_tx_bandwidth'?: "tx_bandwidth";
}
