// Original file: ../../protos/common.proto


export interface ModelScope {
  'token'?: (string);
  'revision'?: (string);
  'base_url'?: (string);
  '_token'?: "token";
  '_base_url'?: "base_url";
}

export interface ModelScope__Output {
  'token'?: (string);
  'revision': (string);
  'base_url'?: (string);
  '_token'?: "token";
  '_base_url'?: "base_url";
}
