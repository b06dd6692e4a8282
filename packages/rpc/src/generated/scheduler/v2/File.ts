// Original file: ../../protos/scheduler.proto


export interface File {
  'url'?: (string);
  'is_finished'?: (boolean);
  '_is_finished'?: "is_finished";
}

export interface File__Output {
  'url': (string);
  'is_finished'?: (boolean);
  '_is_finished'?: "is_finished";
}
