// Original file: ../../protos/common.proto

export const SizeScope = {
  NORMAL: 'NORMAL',
  SMALL: 'SMALL',
  TINY: 'TINY',
  EMPTY: 'EMPTY',
} as const;

export type SizeScope =
  | 'NORMAL'
  | 0
  | 'SMALL'
  | 1
  | 'TINY'
  | 2
  | 'EMPTY'
  | 3

export type SizeScope__Output = typeof SizeScope[keyof typeof SizeScope]
