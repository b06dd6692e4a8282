// Original file: ../../protos/errordetails.proto


export interface Backend {
  'message'?: (string);
  'header'?: ({[key: string]: string});
  'status_code'?: (number);
  '_status_code'?: "status_code";
}

export interface Backend__Output {
  'message': (string);
  'header': ({[key: string]: string});
  'status_code'?: (number);
  '_status_code'?: "status_code";
}
