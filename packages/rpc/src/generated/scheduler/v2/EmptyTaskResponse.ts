// Original file: ../../protos/scheduler.proto


export interface EmptyTaskResponse {
}

export interface EmptyTaskResponse__Output {
}
