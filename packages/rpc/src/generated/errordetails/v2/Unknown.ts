// Original file: ../../protos/errordetails.proto


export interface Unknown {
  'message'?: (string);
  '_message'?: "message";
}

export interface Unknown__Output {
  'message'?: (string);
  '_message'?: "message";
}
