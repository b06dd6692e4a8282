// Original file: ../../protos/scheduler.proto


export interface Layer {
  'url'?: (string);
  'is_finished'?: (boolean);
  '_is_finished'?: "is_finished";
}

export interface Layer__Output {
  'url': (string);
  'is_finished'?: (boolean);
  '_is_finished'?: "is_finished";
}
