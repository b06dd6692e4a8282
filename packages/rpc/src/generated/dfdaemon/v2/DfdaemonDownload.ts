// Original file: ../../protos/dfdaemon.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { DeleteLocalTaskRequest as _dfdaemon_v2_DeleteLocalTaskRequest, DeleteLocalTaskRequest__Output as _dfdaemon_v2_DeleteLocalTaskRequest__Output } from '../../dfdaemon/v2/DeleteLocalTaskRequest.js';
import type { DeleteTaskRequest as _dfdaemon_v2_DeleteTaskRequest, DeleteTaskRequest__Output as _dfdaemon_v2_DeleteTaskRequest__Output } from '../../dfdaemon/v2/DeleteTaskRequest.js';
import type { DownloadTaskRequest as _dfdaemon_v2_DownloadTaskRequest, DownloadTaskRequest__Output as _dfdaemon_v2_DownloadTaskRequest__Output } from '../../dfdaemon/v2/DownloadTaskRequest.js';
import type { DownloadTaskResponse as _dfdaemon_v2_DownloadTaskResponse, DownloadTaskResponse__Output as _dfdaemon_v2_DownloadTaskResponse__Output } from '../../dfdaemon/v2/DownloadTaskResponse.js';
import type { Empty as _google_protobuf_Empty, Empty__Output as _google_protobuf_Empty__Output } from '../../google/protobuf/Empty.js';
import type { ListLocalTasksRequest as _dfdaemon_v2_ListLocalTasksRequest, ListLocalTasksRequest__Output as _dfdaemon_v2_ListLocalTasksRequest__Output } from '../../dfdaemon/v2/ListLocalTasksRequest.js';
import type { ListLocalTasksResponse as _dfdaemon_v2_ListLocalTasksResponse, ListLocalTasksResponse__Output as _dfdaemon_v2_ListLocalTasksResponse__Output } from '../../dfdaemon/v2/ListLocalTasksResponse.js';
import type { ListTaskEntriesRequest as _dfdaemon_v2_ListTaskEntriesRequest, ListTaskEntriesRequest__Output as _dfdaemon_v2_ListTaskEntriesRequest__Output } from '../../dfdaemon/v2/ListTaskEntriesRequest.js';
import type { ListTaskEntriesResponse as _dfdaemon_v2_ListTaskEntriesResponse, ListTaskEntriesResponse__Output as _dfdaemon_v2_ListTaskEntriesResponse__Output } from '../../dfdaemon/v2/ListTaskEntriesResponse.js';
import type { StatLocalTaskRequest as _dfdaemon_v2_StatLocalTaskRequest, StatLocalTaskRequest__Output as _dfdaemon_v2_StatLocalTaskRequest__Output } from '../../dfdaemon/v2/StatLocalTaskRequest.js';
import type { StatLocalTaskResponse as _dfdaemon_v2_StatLocalTaskResponse, StatLocalTaskResponse__Output as _dfdaemon_v2_StatLocalTaskResponse__Output } from '../../dfdaemon/v2/StatLocalTaskResponse.js';
import type { StatTaskRequest as _dfdaemon_v2_StatTaskRequest, StatTaskRequest__Output as _dfdaemon_v2_StatTaskRequest__Output } from '../../dfdaemon/v2/StatTaskRequest.js';
import type { Task as _common_v2_Task, Task__Output as _common_v2_Task__Output } from '../../common/v2/Task.js';

export interface DfdaemonDownloadClient extends grpc.Client {
  DeleteHost(argument: _google_protobuf_Empty, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_google_protobuf_Empty__Output>): grpc.ClientUnaryCall;
  DeleteHost(argument: _google_protobuf_Empty, metadata: grpc.Metadata, callback: grpc.requestCallback<_google_protobuf_Empty__Output>): grpc.ClientUnaryCall;
  DeleteHost(argument: _google_protobuf_Empty, options: grpc.CallOptions, callback: grpc.requestCallback<_google_protobuf_Empty__Output>): grpc.ClientUnaryCall;
  DeleteHost(argument: _google_protobuf_Empty, callback: grpc.requestCallback<_google_protobuf_Empty__Output>): grpc.ClientUnaryCall;
  deleteHost(argument: _google_protobuf_Empty, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_google_protobuf_Empty__Output>): grpc.ClientUnaryCall;
  deleteHost(argument: _google_protobuf_Empty, metadata: grpc.Metadata, callback: grpc.requestCallback<_google_protobuf_Empty__Output>): grpc.ClientUnaryCall;
  deleteHost(argument: _google_protobuf_Empty, options: grpc.CallOptions, callback: grpc.requestCallback<_google_protobuf_Empty__Output>): grpc.ClientUnaryCall;
  deleteHost(argument: _google_protobuf_Empty, callback: grpc.requestCallback<_google_protobuf_Empty__Output>): grpc.ClientUnaryCall;
  
  DeleteLocalTask(argument: _dfdaemon_v2_DeleteLocalTaskRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_google_protobuf_Empty__Output>): grpc.ClientUnaryCall;
  DeleteLocalTask(argument: _dfdaemon_v2_DeleteLocalTaskRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_google_protobuf_Empty__Output>): grpc.ClientUnaryCall;
  DeleteLocalTask(argument: _dfdaemon_v2_DeleteLocalTaskRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_google_protobuf_Empty__Output>): grpc.ClientUnaryCall;
  DeleteLocalTask(argument: _dfdaemon_v2_DeleteLocalTaskRequest, callback: grpc.requestCallback<_google_protobuf_Empty__Output>): grpc.ClientUnaryCall;
  deleteLocalTask(argument: _dfdaemon_v2_DeleteLocalTaskRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_google_protobuf_Empty__Output>): grpc.ClientUnaryCall;
  deleteLocalTask(argument: _dfdaemon_v2_DeleteLocalTaskRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_google_protobuf_Empty__Output>): grpc.ClientUnaryCall;
  deleteLocalTask(argument: _dfdaemon_v2_DeleteLocalTaskRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_google_protobuf_Empty__Output>): grpc.ClientUnaryCall;
  deleteLocalTask(argument: _dfdaemon_v2_DeleteLocalTaskRequest, callback: grpc.requestCallback<_google_protobuf_Empty__Output>): grpc.ClientUnaryCall;
  
  DeleteTask(argument: _dfdaemon_v2_DeleteTaskRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_google_protobuf_Empty__Output>): grpc.ClientUnaryCall;
  DeleteTask(argument: _dfdaemon_v2_DeleteTaskRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_google_protobuf_Empty__Output>): grpc.ClientUnaryCall;
  DeleteTask(argument: _dfdaemon_v2_DeleteTaskRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_google_protobuf_Empty__Output>): grpc.ClientUnaryCall;
  DeleteTask(argument: _dfdaemon_v2_DeleteTaskRequest, callback: grpc.requestCallback<_google_protobuf_Empty__Output>): grpc.ClientUnaryCall;
  deleteTask(argument: _dfdaemon_v2_DeleteTaskRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_google_protobuf_Empty__Output>): grpc.ClientUnaryCall;
  deleteTask(argument: _dfdaemon_v2_DeleteTaskRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_google_protobuf_Empty__Output>): grpc.ClientUnaryCall;
  deleteTask(argument: _dfdaemon_v2_DeleteTaskRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_google_protobuf_Empty__Output>): grpc.ClientUnaryCall;
  deleteTask(argument: _dfdaemon_v2_DeleteTaskRequest, callback: grpc.requestCallback<_google_protobuf_Empty__Output>): grpc.ClientUnaryCall;
  
  DownloadTask(argument: _dfdaemon_v2_DownloadTaskRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_dfdaemon_v2_DownloadTaskResponse__Output>;
  DownloadTask(argument: _dfdaemon_v2_DownloadTaskRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_dfdaemon_v2_DownloadTaskResponse__Output>;
  downloadTask(argument: _dfdaemon_v2_DownloadTaskRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_dfdaemon_v2_DownloadTaskResponse__Output>;
  downloadTask(argument: _dfdaemon_v2_DownloadTaskRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_dfdaemon_v2_DownloadTaskResponse__Output>;
  
  ListLocalTasks(argument: _dfdaemon_v2_ListLocalTasksRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfdaemon_v2_ListLocalTasksResponse__Output>): grpc.ClientUnaryCall;
  ListLocalTasks(argument: _dfdaemon_v2_ListLocalTasksRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dfdaemon_v2_ListLocalTasksResponse__Output>): grpc.ClientUnaryCall;
  ListLocalTasks(argument: _dfdaemon_v2_ListLocalTasksRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dfdaemon_v2_ListLocalTasksResponse__Output>): grpc.ClientUnaryCall;
  ListLocalTasks(argument: _dfdaemon_v2_ListLocalTasksRequest, callback: grpc.requestCallback<_dfdaemon_v2_ListLocalTasksResponse__Output>): grpc.ClientUnaryCall;
  listLocalTasks(argument: _dfdaemon_v2_ListLocalTasksRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfdaemon_v2_ListLocalTasksResponse__Output>): grpc.ClientUnaryCall;
  listLocalTasks(argument: _dfdaemon_v2_ListLocalTasksRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dfdaemon_v2_ListLocalTasksResponse__Output>): grpc.ClientUnaryCall;
  listLocalTasks(argument: _dfdaemon_v2_ListLocalTasksRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dfdaemon_v2_ListLocalTasksResponse__Output>): grpc.ClientUnaryCall;
  listLocalTasks(argument: _dfdaemon_v2_ListLocalTasksRequest, callback: grpc.requestCallback<_dfdaemon_v2_ListLocalTasksResponse__Output>): grpc.ClientUnaryCall;
  
  ListTaskEntries(argument: _dfdaemon_v2_ListTaskEntriesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfdaemon_v2_ListTaskEntriesResponse__Output>): grpc.ClientUnaryCall;
  ListTaskEntries(argument: _dfdaemon_v2_ListTaskEntriesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dfdaemon_v2_ListTaskEntriesResponse__Output>): grpc.ClientUnaryCall;
  ListTaskEntries(argument: _dfdaemon_v2_ListTaskEntriesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dfdaemon_v2_ListTaskEntriesResponse__Output>): grpc.ClientUnaryCall;
  ListTaskEntries(argument: _dfdaemon_v2_ListTaskEntriesRequest, callback: grpc.requestCallback<_dfdaemon_v2_ListTaskEntriesResponse__Output>): grpc.ClientUnaryCall;
  listTaskEntries(argument: _dfdaemon_v2_ListTaskEntriesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfdaemon_v2_ListTaskEntriesResponse__Output>): grpc.ClientUnaryCall;
  listTaskEntries(argument: _dfdaemon_v2_ListTaskEntriesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dfdaemon_v2_ListTaskEntriesResponse__Output>): grpc.ClientUnaryCall;
  listTaskEntries(argument: _dfdaemon_v2_ListTaskEntriesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dfdaemon_v2_ListTaskEntriesResponse__Output>): grpc.ClientUnaryCall;
  listTaskEntries(argument: _dfdaemon_v2_ListTaskEntriesRequest, callback: grpc.requestCallback<_dfdaemon_v2_ListTaskEntriesResponse__Output>): grpc.ClientUnaryCall;
  
  StatLocalTask(argument: _dfdaemon_v2_StatLocalTaskRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfdaemon_v2_StatLocalTaskResponse__Output>): grpc.ClientUnaryCall;
  StatLocalTask(argument: _dfdaemon_v2_StatLocalTaskRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dfdaemon_v2_StatLocalTaskResponse__Output>): grpc.ClientUnaryCall;
  StatLocalTask(argument: _dfdaemon_v2_StatLocalTaskRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dfdaemon_v2_StatLocalTaskResponse__Output>): grpc.ClientUnaryCall;
  StatLocalTask(argument: _dfdaemon_v2_StatLocalTaskRequest, callback: grpc.requestCallback<_dfdaemon_v2_StatLocalTaskResponse__Output>): grpc.ClientUnaryCall;
  statLocalTask(argument: _dfdaemon_v2_StatLocalTaskRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dfdaemon_v2_StatLocalTaskResponse__Output>): grpc.ClientUnaryCall;
  statLocalTask(argument: _dfdaemon_v2_StatLocalTaskRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dfdaemon_v2_StatLocalTaskResponse__Output>): grpc.ClientUnaryCall;
  statLocalTask(argument: _dfdaemon_v2_StatLocalTaskRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dfdaemon_v2_StatLocalTaskResponse__Output>): grpc.ClientUnaryCall;
  statLocalTask(argument: _dfdaemon_v2_StatLocalTaskRequest, callback: grpc.requestCallback<_dfdaemon_v2_StatLocalTaskResponse__Output>): grpc.ClientUnaryCall;
  
  StatTask(argument: _dfdaemon_v2_StatTaskRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_common_v2_Task__Output>): grpc.ClientUnaryCall;
  StatTask(argument: _dfdaemon_v2_StatTaskRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_common_v2_Task__Output>): grpc.ClientUnaryCall;
  StatTask(argument: _dfdaemon_v2_StatTaskRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_common_v2_Task__Output>): grpc.ClientUnaryCall;
  StatTask(argument: _dfdaemon_v2_StatTaskRequest, callback: grpc.requestCallback<_common_v2_Task__Output>): grpc.ClientUnaryCall;
  statTask(argument: _dfdaemon_v2_StatTaskRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_common_v2_Task__Output>): grpc.ClientUnaryCall;
  statTask(argument: _dfdaemon_v2_StatTaskRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_common_v2_Task__Output>): grpc.ClientUnaryCall;
  statTask(argument: _dfdaemon_v2_StatTaskRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_common_v2_Task__Output>): grpc.ClientUnaryCall;
  statTask(argument: _dfdaemon_v2_StatTaskRequest, callback: grpc.requestCallback<_common_v2_Task__Output>): grpc.ClientUnaryCall;
  
}

export interface DfdaemonDownloadHandlers extends grpc.UntypedServiceImplementation {
  DeleteHost: grpc.handleUnaryCall<_google_protobuf_Empty__Output, _google_protobuf_Empty>;
  
  DeleteLocalTask: grpc.handleUnaryCall<_dfdaemon_v2_DeleteLocalTaskRequest__Output, _google_protobuf_Empty>;
  
  DeleteTask: grpc.handleUnaryCall<_dfdaemon_v2_DeleteTaskRequest__Output, _google_protobuf_Empty>;
  
  DownloadTask: grpc.handleServerStreamingCall<_dfdaemon_v2_DownloadTaskRequest__Output, _dfdaemon_v2_DownloadTaskResponse>;
  
  ListLocalTasks: grpc.handleUnaryCall<_dfdaemon_v2_ListLocalTasksRequest__Output, _dfdaemon_v2_ListLocalTasksResponse>;
  
  ListTaskEntries: grpc.handleUnaryCall<_dfdaemon_v2_ListTaskEntriesRequest__Output, _dfdaemon_v2_ListTaskEntriesResponse>;
  
  StatLocalTask: grpc.handleUnaryCall<_dfdaemon_v2_StatLocalTaskRequest__Output, _dfdaemon_v2_StatLocalTaskResponse>;
  
  StatTask: grpc.handleUnaryCall<_dfdaemon_v2_StatTaskRequest__Output, _common_v2_Task>;
  
}

export interface DfdaemonDownloadDefinition extends grpc.ServiceDefinition {
  DeleteHost: MethodDefinition<_google_protobuf_Empty, _google_protobuf_Empty, _google_protobuf_Empty__Output, _google_protobuf_Empty__Output>
  DeleteLocalTask: MethodDefinition<_dfdaemon_v2_DeleteLocalTaskRequest, _google_protobuf_Empty, _dfdaemon_v2_DeleteLocalTaskRequest__Output, _google_protobuf_Empty__Output>
  DeleteTask: MethodDefinition<_dfdaemon_v2_DeleteTaskRequest, _google_protobuf_Empty, _dfdaemon_v2_DeleteTaskRequest__Output, _google_protobuf_Empty__Output>
  DownloadTask: MethodDefinition<_dfdaemon_v2_DownloadTaskRequest, _dfdaemon_v2_DownloadTaskResponse, _dfdaemon_v2_DownloadTaskRequest__Output, _dfdaemon_v2_DownloadTaskResponse__Output>
  ListLocalTasks: MethodDefinition<_dfdaemon_v2_ListLocalTasksRequest, _dfdaemon_v2_ListLocalTasksResponse, _dfdaemon_v2_ListLocalTasksRequest__Output, _dfdaemon_v2_ListLocalTasksResponse__Output>
  ListTaskEntries: MethodDefinition<_dfdaemon_v2_ListTaskEntriesRequest, _dfdaemon_v2_ListTaskEntriesResponse, _dfdaemon_v2_ListTaskEntriesRequest__Output, _dfdaemon_v2_ListTaskEntriesResponse__Output>
  StatLocalTask: MethodDefinition<_dfdaemon_v2_StatLocalTaskRequest, _dfdaemon_v2_StatLocalTaskResponse, _dfdaemon_v2_StatLocalTaskRequest__Output, _dfdaemon_v2_StatLocalTaskResponse__Output>
  StatTask: MethodDefinition<_dfdaemon_v2_StatTaskRequest, _common_v2_Task, _dfdaemon_v2_StatTaskRequest__Output, _common_v2_Task__Output>
}
