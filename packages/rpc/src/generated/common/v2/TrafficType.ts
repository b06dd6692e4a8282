// Original file: ../../protos/common.proto

export const TrafficType = {
  BACK_TO_SOURCE: 'BACK_TO_SOURCE',
  REMOTE_PEER: 'REMOTE_PEER',
  LOCAL_PEER: 'LOCAL_PEER',
} as const;

export type TrafficType =
  | 'BACK_TO_SOURCE'
  | 0
  | 'REMOTE_PEER'
  | 1
  | 'LOCAL_PEER'
  | 2

export type TrafficType__Output = typeof TrafficType[keyof typeof TrafficType]
