// Original file: ../../protos/common.proto


export interface HuggingFace {
  'token'?: (string);
  'revision'?: (string);
  'base_url'?: (string);
  '_token'?: "token";
  '_base_url'?: "base_url";
}

export interface HuggingFace__Output {
  'token'?: (string);
  'revision': (string);
  'base_url'?: (string);
  '_token'?: "token";
  '_base_url'?: "base_url";
}
