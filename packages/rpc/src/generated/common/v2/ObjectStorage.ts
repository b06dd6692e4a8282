// Original file: ../../protos/common.proto


export interface ObjectStorage {
  'region'?: (string);
  'endpoint'?: (string);
  'access_key_id'?: (string);
  'access_key_secret'?: (string);
  'session_token'?: (string);
  'credential_path'?: (string);
  'predefined_acl'?: (string);
  'security_token'?: (string);
  'insecure_skip_verify'?: (boolean);
  '_region'?: "region";
  '_endpoint'?: "endpoint";
  '_access_key_id'?: "access_key_id";
  '_access_key_secret'?: "access_key_secret";
  '_session_token'?: "session_token";
  '_credential_path'?: "credential_path";
  '_predefined_acl'?: "predefined_acl";
  '_security_token'?: "security_token";
  '_insecure_skip_verify'?: "insecure_skip_verify";
}

export interface ObjectStorage__Output {
  'region'?: (string);
  'endpoint'?: (string);
  'access_key_id'?: (string);
  'access_key_secret'?: (string);
  'session_token'?: (string);
  'credential_path'?: (string);
  'predefined_acl'?: (string);
  'security_token'?: (string);
  'insecure_skip_verify'?: (boolean);
  '_region'?: "region";
  '_endpoint'?: "endpoint";
  '_access_key_id'?: "access_key_id";
  '_access_key_secret'?: "access_key_secret";
  '_session_token'?: "session_token";
  '_credential_path'?: "credential_path";
  '_predefined_acl'?: "predefined_acl";
  '_security_token'?: "security_token";
  '_insecure_skip_verify'?: "insecure_skip_verify";
}
