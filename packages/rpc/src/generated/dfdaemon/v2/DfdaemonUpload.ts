// Original file: ../../protos/dfdaemon.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { DeleteTaskRequest as _dfdaemon_v2_DeleteTaskRequest, DeleteTaskRequest__Output as _dfdaemon_v2_DeleteTaskRequest__Output } from '../../dfdaemon/v2/DeleteTaskRequest.js';
import type { DownloadTaskRequest as _dfdaemon_v2_DownloadTaskRequest, DownloadTaskRequest__Output as _dfdaemon_v2_DownloadTaskRequest__Output } from '../../dfdaemon/v2/DownloadTaskRequest.js';
import type { DownloadTaskResponse as _dfdaemon_v2_DownloadTaskResponse, DownloadTaskResponse__Output as _dfdaemon_v2_DownloadTaskResponse__Output } from '../../dfdaemon/v2/DownloadTaskResponse.js';
import type { Empty as _google_protobuf_Empty, Empty__Output as _google_protobuf_Empty__Output } from '../../google/protobuf/Empty.js';
import type { Host as _common_v2_Host, Host__Output as _common_v2_Host__Output } from '../../common/v2/Host.js';
import type { ListTaskEntriesRequest as _dfdaemon_v2_ListTaskEntriesRequest, ListTaskEntriesRequest__Output as _dfdaemon_v2_ListTaskEntriesRequest__Output } from '../../dfdaemon/v2/ListTaskEntriesRequest.js';
import type { ListTaskEntriesResponse as _dfdaemon_v2_ListTaskEntriesResponse, ListTaskEntriesResponse__Output as _dfdaemon_v2_ListTaskEntriesResponse__Output } from '../../dfdaemon/v2/ListTaskEntriesResponse.js';
import type { StatLocalTaskRequest as _dfdaemon_v2_StatLocalTaskRequest, StatLocalTaskRequest__Output as _dfdaemon_v2_StatLocalTaskRequest__Output } from '../../dfdaemon/v2/StatLocalTaskRequest.js';
import type { StatLocalTaskResponse as _dfdaemon_v2_StatLocalTaskResponse, StatLocalTaskResponse__Output as _dfdaemon_v2_StatLocalTaskResponse__Output } from '../../dfdaemon/v2/StatLocalTaskResponse.js';
import type { StatTaskRequest as _dfdaemon_v2_StatTaskRequest, StatTaskRequest__Output as _dfdaemon_v2_StatTaskRequest__Output } from '../../dfdaemon/v2/StatTaskRequest.js';
import type { SyncHostRequest as _dfdaemon_v2_SyncHostRequest, SyncHostRequest__Output as _dfdaemon_v2_SyncHostRequest__Output } from '../../dfdaemon/v2/SyncHostRequest.js';
import type { SyncPiecesRequest as _dfdaemon_v2_SyncPiecesRequest, SyncPiecesRequest__Output as _dfdaemon_v2_SyncPiecesRequest__Output } from '../../dfdaemon/v2/SyncPiecesRequest.js';
import type { SyncPiecesResponse as _dfdaemon_v2_SyncPiecesResponse, SyncPiecesResponse__Output as _dfdaemon_v2_SyncPiecesResponse__Output } from '../../dfdaemon/v2/SyncPiecesResponse.js';
import type { Task as _common_v2_Task, Task__Output as _common_v2_Task__Output } from '../../common/v2/Task.js';

export interface DfdaemonUploadClient extends grpc.Client {
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
  
  SyncHost(argument: _dfdaemon_v2_SyncHostRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_common_v2_Host__Output>;
  SyncHost(argument: _dfdaemon_v2_SyncHostRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_common_v2_Host__Output>;
  syncHost(argument: _dfdaemon_v2_SyncHostRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_common_v2_Host__Output>;
  syncHost(argument: _dfdaemon_v2_SyncHostRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_common_v2_Host__Output>;
  
  SyncPieces(argument: _dfdaemon_v2_SyncPiecesRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_dfdaemon_v2_SyncPiecesResponse__Output>;
  SyncPieces(argument: _dfdaemon_v2_SyncPiecesRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_dfdaemon_v2_SyncPiecesResponse__Output>;
  syncPieces(argument: _dfdaemon_v2_SyncPiecesRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_dfdaemon_v2_SyncPiecesResponse__Output>;
  syncPieces(argument: _dfdaemon_v2_SyncPiecesRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_dfdaemon_v2_SyncPiecesResponse__Output>;
  
}

export interface DfdaemonUploadHandlers extends grpc.UntypedServiceImplementation {
  DeleteTask: grpc.handleUnaryCall<_dfdaemon_v2_DeleteTaskRequest__Output, _google_protobuf_Empty>;
  
  DownloadTask: grpc.handleServerStreamingCall<_dfdaemon_v2_DownloadTaskRequest__Output, _dfdaemon_v2_DownloadTaskResponse>;
  
  ListTaskEntries: grpc.handleUnaryCall<_dfdaemon_v2_ListTaskEntriesRequest__Output, _dfdaemon_v2_ListTaskEntriesResponse>;
  
  StatLocalTask: grpc.handleUnaryCall<_dfdaemon_v2_StatLocalTaskRequest__Output, _dfdaemon_v2_StatLocalTaskResponse>;
  
  StatTask: grpc.handleUnaryCall<_dfdaemon_v2_StatTaskRequest__Output, _common_v2_Task>;
  
  SyncHost: grpc.handleServerStreamingCall<_dfdaemon_v2_SyncHostRequest__Output, _common_v2_Host>;
  
  SyncPieces: grpc.handleServerStreamingCall<_dfdaemon_v2_SyncPiecesRequest__Output, _dfdaemon_v2_SyncPiecesResponse>;
  
}

export interface DfdaemonUploadDefinition extends grpc.ServiceDefinition {
  DeleteTask: MethodDefinition<_dfdaemon_v2_DeleteTaskRequest, _google_protobuf_Empty, _dfdaemon_v2_DeleteTaskRequest__Output, _google_protobuf_Empty__Output>
  DownloadTask: MethodDefinition<_dfdaemon_v2_DownloadTaskRequest, _dfdaemon_v2_DownloadTaskResponse, _dfdaemon_v2_DownloadTaskRequest__Output, _dfdaemon_v2_DownloadTaskResponse__Output>
  ListTaskEntries: MethodDefinition<_dfdaemon_v2_ListTaskEntriesRequest, _dfdaemon_v2_ListTaskEntriesResponse, _dfdaemon_v2_ListTaskEntriesRequest__Output, _dfdaemon_v2_ListTaskEntriesResponse__Output>
  StatLocalTask: MethodDefinition<_dfdaemon_v2_StatLocalTaskRequest, _dfdaemon_v2_StatLocalTaskResponse, _dfdaemon_v2_StatLocalTaskRequest__Output, _dfdaemon_v2_StatLocalTaskResponse__Output>
  StatTask: MethodDefinition<_dfdaemon_v2_StatTaskRequest, _common_v2_Task, _dfdaemon_v2_StatTaskRequest__Output, _common_v2_Task__Output>
  SyncHost: MethodDefinition<_dfdaemon_v2_SyncHostRequest, _common_v2_Host, _dfdaemon_v2_SyncHostRequest__Output, _common_v2_Host__Output>
  SyncPieces: MethodDefinition<_dfdaemon_v2_SyncPiecesRequest, _dfdaemon_v2_SyncPiecesResponse, _dfdaemon_v2_SyncPiecesRequest__Output, _dfdaemon_v2_SyncPiecesResponse__Output>
}
