// Original file: ../../protos/common.proto


export interface HDFS {
  'delegation_token'?: (string);
  '_delegation_token'?: "delegation_token";
}

export interface HDFS__Output {
  'delegation_token'?: (string);
  '_delegation_token'?: "delegation_token";
}
