// Original file: ../../protos/health.proto


export interface HealthListRequest {
}

export interface HealthListRequest__Output {
}
