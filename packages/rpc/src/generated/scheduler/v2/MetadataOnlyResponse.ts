// Original file: ../../protos/scheduler.proto


export interface MetadataOnlyResponse {
}

export interface MetadataOnlyResponse__Output {
}
