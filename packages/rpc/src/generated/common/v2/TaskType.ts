// Original file: ../../protos/common.proto

export const TaskType = {
  STANDARD: 'STANDARD',
  PERSISTENT: 'PERSISTENT',
  PERSISTENT_CACHE: 'PERSISTENT_CACHE',
  CACHE: 'CACHE',
} as const;

export type TaskType =
  | 'STANDARD'
  | 0
  | 'PERSISTENT'
  | 1
  | 'PERSISTENT_CACHE'
  | 2
  | 'CACHE'
  | 3

export type TaskType__Output = typeof TaskType[keyof typeof TaskType]
