import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { Build as _common_v2_Build, Build__Output as _common_v2_Build__Output } from './common/v2/Build.js';
import type { CPU as _common_v2_CPU, CPU__Output as _common_v2_CPU__Output } from './common/v2/CPU.js';
import type { CPUTimes as _common_v2_CPUTimes, CPUTimes__Output as _common_v2_CPUTimes__Output } from './common/v2/CPUTimes.js';
import type { CgroupCPU as _common_v2_CgroupCPU, CgroupCPU__Output as _common_v2_CgroupCPU__Output } from './common/v2/CgroupCPU.js';
import type { CgroupDisk as _common_v2_CgroupDisk, CgroupDisk__Output as _common_v2_CgroupDisk__Output } from './common/v2/CgroupDisk.js';
import type { CgroupMemory as _common_v2_CgroupMemory, CgroupMemory__Output as _common_v2_CgroupMemory__Output } from './common/v2/CgroupMemory.js';
import type { Disk as _common_v2_Disk, Disk__Output as _common_v2_Disk__Output } from './common/v2/Disk.js';
import type { Download as _common_v2_Download, Download__Output as _common_v2_Download__Output } from './common/v2/Download.js';
import type { HDFS as _common_v2_HDFS, HDFS__Output as _common_v2_HDFS__Output } from './common/v2/HDFS.js';
import type { Host as _common_v2_Host, Host__Output as _common_v2_Host__Output } from './common/v2/Host.js';
import type { HuggingFace as _common_v2_HuggingFace, HuggingFace__Output as _common_v2_HuggingFace__Output } from './common/v2/HuggingFace.js';
import type { Memory as _common_v2_Memory, Memory__Output as _common_v2_Memory__Output } from './common/v2/Memory.js';
import type { ModelScope as _common_v2_ModelScope, ModelScope__Output as _common_v2_ModelScope__Output } from './common/v2/ModelScope.js';
import type { Network as _common_v2_Network, Network__Output as _common_v2_Network__Output } from './common/v2/Network.js';
import type { ObjectStorage as _common_v2_ObjectStorage, ObjectStorage__Output as _common_v2_ObjectStorage__Output } from './common/v2/ObjectStorage.js';
import type { Peer as _common_v2_Peer, Peer__Output as _common_v2_Peer__Output } from './common/v2/Peer.js';
import type { Piece as _common_v2_Piece, Piece__Output as _common_v2_Piece__Output } from './common/v2/Piece.js';
import type { Range as _common_v2_Range, Range__Output as _common_v2_Range__Output } from './common/v2/Range.js';
import type { Task as _common_v2_Task, Task__Output as _common_v2_Task__Output } from './common/v2/Task.js';
import type { DeleteLocalTaskRequest as _dfdaemon_v2_DeleteLocalTaskRequest, DeleteLocalTaskRequest__Output as _dfdaemon_v2_DeleteLocalTaskRequest__Output } from './dfdaemon/v2/DeleteLocalTaskRequest.js';
import type { DeleteTaskRequest as _dfdaemon_v2_DeleteTaskRequest, DeleteTaskRequest__Output as _dfdaemon_v2_DeleteTaskRequest__Output } from './dfdaemon/v2/DeleteTaskRequest.js';
import type { DfdaemonDownloadClient as _dfdaemon_v2_DfdaemonDownloadClient, DfdaemonDownloadDefinition as _dfdaemon_v2_DfdaemonDownloadDefinition } from './dfdaemon/v2/DfdaemonDownload.js';
import type { DfdaemonUploadClient as _dfdaemon_v2_DfdaemonUploadClient, DfdaemonUploadDefinition as _dfdaemon_v2_DfdaemonUploadDefinition } from './dfdaemon/v2/DfdaemonUpload.js';
import type { DownloadPieceFinishedResponse as _dfdaemon_v2_DownloadPieceFinishedResponse, DownloadPieceFinishedResponse__Output as _dfdaemon_v2_DownloadPieceFinishedResponse__Output } from './dfdaemon/v2/DownloadPieceFinishedResponse.js';
import type { DownloadTaskRequest as _dfdaemon_v2_DownloadTaskRequest, DownloadTaskRequest__Output as _dfdaemon_v2_DownloadTaskRequest__Output } from './dfdaemon/v2/DownloadTaskRequest.js';
import type { DownloadTaskResponse as _dfdaemon_v2_DownloadTaskResponse, DownloadTaskResponse__Output as _dfdaemon_v2_DownloadTaskResponse__Output } from './dfdaemon/v2/DownloadTaskResponse.js';
import type { DownloadTaskStartedResponse as _dfdaemon_v2_DownloadTaskStartedResponse, DownloadTaskStartedResponse__Output as _dfdaemon_v2_DownloadTaskStartedResponse__Output } from './dfdaemon/v2/DownloadTaskStartedResponse.js';
import type { Entry as _dfdaemon_v2_Entry, Entry__Output as _dfdaemon_v2_Entry__Output } from './dfdaemon/v2/Entry.js';
import type { ListLocalTasksRequest as _dfdaemon_v2_ListLocalTasksRequest, ListLocalTasksRequest__Output as _dfdaemon_v2_ListLocalTasksRequest__Output } from './dfdaemon/v2/ListLocalTasksRequest.js';
import type { ListLocalTasksResponse as _dfdaemon_v2_ListLocalTasksResponse, ListLocalTasksResponse__Output as _dfdaemon_v2_ListLocalTasksResponse__Output } from './dfdaemon/v2/ListLocalTasksResponse.js';
import type { ListTaskEntriesRequest as _dfdaemon_v2_ListTaskEntriesRequest, ListTaskEntriesRequest__Output as _dfdaemon_v2_ListTaskEntriesRequest__Output } from './dfdaemon/v2/ListTaskEntriesRequest.js';
import type { ListTaskEntriesResponse as _dfdaemon_v2_ListTaskEntriesResponse, ListTaskEntriesResponse__Output as _dfdaemon_v2_ListTaskEntriesResponse__Output } from './dfdaemon/v2/ListTaskEntriesResponse.js';
import type { StatLocalTaskRequest as _dfdaemon_v2_StatLocalTaskRequest, StatLocalTaskRequest__Output as _dfdaemon_v2_StatLocalTaskRequest__Output } from './dfdaemon/v2/StatLocalTaskRequest.js';
import type { StatLocalTaskResponse as _dfdaemon_v2_StatLocalTaskResponse, StatLocalTaskResponse__Output as _dfdaemon_v2_StatLocalTaskResponse__Output } from './dfdaemon/v2/StatLocalTaskResponse.js';
import type { StatTaskRequest as _dfdaemon_v2_StatTaskRequest, StatTaskRequest__Output as _dfdaemon_v2_StatTaskRequest__Output } from './dfdaemon/v2/StatTaskRequest.js';
import type { SyncHostRequest as _dfdaemon_v2_SyncHostRequest, SyncHostRequest__Output as _dfdaemon_v2_SyncHostRequest__Output } from './dfdaemon/v2/SyncHostRequest.js';
import type { SyncPiecesRequest as _dfdaemon_v2_SyncPiecesRequest, SyncPiecesRequest__Output as _dfdaemon_v2_SyncPiecesRequest__Output } from './dfdaemon/v2/SyncPiecesRequest.js';
import type { SyncPiecesResponse as _dfdaemon_v2_SyncPiecesResponse, SyncPiecesResponse__Output as _dfdaemon_v2_SyncPiecesResponse__Output } from './dfdaemon/v2/SyncPiecesResponse.js';
import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from './google/protobuf/Duration.js';
import type { Empty as _google_protobuf_Empty, Empty__Output as _google_protobuf_Empty__Output } from './google/protobuf/Empty.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from './google/protobuf/Timestamp.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  common: {
    v2: {
      Build: MessageTypeDefinition<_common_v2_Build, _common_v2_Build__Output>
      CPU: MessageTypeDefinition<_common_v2_CPU, _common_v2_CPU__Output>
      CPUTimes: MessageTypeDefinition<_common_v2_CPUTimes, _common_v2_CPUTimes__Output>
      CgroupCPU: MessageTypeDefinition<_common_v2_CgroupCPU, _common_v2_CgroupCPU__Output>
      CgroupDisk: MessageTypeDefinition<_common_v2_CgroupDisk, _common_v2_CgroupDisk__Output>
      CgroupMemory: MessageTypeDefinition<_common_v2_CgroupMemory, _common_v2_CgroupMemory__Output>
      Disk: MessageTypeDefinition<_common_v2_Disk, _common_v2_Disk__Output>
      Download: MessageTypeDefinition<_common_v2_Download, _common_v2_Download__Output>
      HDFS: MessageTypeDefinition<_common_v2_HDFS, _common_v2_HDFS__Output>
      Host: MessageTypeDefinition<_common_v2_Host, _common_v2_Host__Output>
      HuggingFace: MessageTypeDefinition<_common_v2_HuggingFace, _common_v2_HuggingFace__Output>
      Memory: MessageTypeDefinition<_common_v2_Memory, _common_v2_Memory__Output>
      ModelScope: MessageTypeDefinition<_common_v2_ModelScope, _common_v2_ModelScope__Output>
      Network: MessageTypeDefinition<_common_v2_Network, _common_v2_Network__Output>
      ObjectStorage: MessageTypeDefinition<_common_v2_ObjectStorage, _common_v2_ObjectStorage__Output>
      Peer: MessageTypeDefinition<_common_v2_Peer, _common_v2_Peer__Output>
      Piece: MessageTypeDefinition<_common_v2_Piece, _common_v2_Piece__Output>
      Priority: EnumTypeDefinition
      Range: MessageTypeDefinition<_common_v2_Range, _common_v2_Range__Output>
      SizeScope: EnumTypeDefinition
      Task: MessageTypeDefinition<_common_v2_Task, _common_v2_Task__Output>
      TaskType: EnumTypeDefinition
      TrafficType: EnumTypeDefinition
    }
  }
  dfdaemon: {
    v2: {
      DeleteLocalTaskRequest: MessageTypeDefinition<_dfdaemon_v2_DeleteLocalTaskRequest, _dfdaemon_v2_DeleteLocalTaskRequest__Output>
      DeleteTaskRequest: MessageTypeDefinition<_dfdaemon_v2_DeleteTaskRequest, _dfdaemon_v2_DeleteTaskRequest__Output>
      DfdaemonDownload: SubtypeConstructor<typeof grpc.Client, _dfdaemon_v2_DfdaemonDownloadClient> & { service: _dfdaemon_v2_DfdaemonDownloadDefinition }
      DfdaemonUpload: SubtypeConstructor<typeof grpc.Client, _dfdaemon_v2_DfdaemonUploadClient> & { service: _dfdaemon_v2_DfdaemonUploadDefinition }
      DownloadPieceFinishedResponse: MessageTypeDefinition<_dfdaemon_v2_DownloadPieceFinishedResponse, _dfdaemon_v2_DownloadPieceFinishedResponse__Output>
      DownloadTaskRequest: MessageTypeDefinition<_dfdaemon_v2_DownloadTaskRequest, _dfdaemon_v2_DownloadTaskRequest__Output>
      DownloadTaskResponse: MessageTypeDefinition<_dfdaemon_v2_DownloadTaskResponse, _dfdaemon_v2_DownloadTaskResponse__Output>
      DownloadTaskStartedResponse: MessageTypeDefinition<_dfdaemon_v2_DownloadTaskStartedResponse, _dfdaemon_v2_DownloadTaskStartedResponse__Output>
      Entry: MessageTypeDefinition<_dfdaemon_v2_Entry, _dfdaemon_v2_Entry__Output>
      ListLocalTasksRequest: MessageTypeDefinition<_dfdaemon_v2_ListLocalTasksRequest, _dfdaemon_v2_ListLocalTasksRequest__Output>
      ListLocalTasksResponse: MessageTypeDefinition<_dfdaemon_v2_ListLocalTasksResponse, _dfdaemon_v2_ListLocalTasksResponse__Output>
      ListTaskEntriesRequest: MessageTypeDefinition<_dfdaemon_v2_ListTaskEntriesRequest, _dfdaemon_v2_ListTaskEntriesRequest__Output>
      ListTaskEntriesResponse: MessageTypeDefinition<_dfdaemon_v2_ListTaskEntriesResponse, _dfdaemon_v2_ListTaskEntriesResponse__Output>
      StatLocalTaskRequest: MessageTypeDefinition<_dfdaemon_v2_StatLocalTaskRequest, _dfdaemon_v2_StatLocalTaskRequest__Output>
      StatLocalTaskResponse: MessageTypeDefinition<_dfdaemon_v2_StatLocalTaskResponse, _dfdaemon_v2_StatLocalTaskResponse__Output>
      StatTaskRequest: MessageTypeDefinition<_dfdaemon_v2_StatTaskRequest, _dfdaemon_v2_StatTaskRequest__Output>
      SyncHostRequest: MessageTypeDefinition<_dfdaemon_v2_SyncHostRequest, _dfdaemon_v2_SyncHostRequest__Output>
      SyncPiecesRequest: MessageTypeDefinition<_dfdaemon_v2_SyncPiecesRequest, _dfdaemon_v2_SyncPiecesRequest__Output>
      SyncPiecesResponse: MessageTypeDefinition<_dfdaemon_v2_SyncPiecesResponse, _dfdaemon_v2_SyncPiecesResponse__Output>
    }
  }
  google: {
    protobuf: {
      Duration: MessageTypeDefinition<_google_protobuf_Duration, _google_protobuf_Duration__Output>
      Empty: MessageTypeDefinition<_google_protobuf_Empty, _google_protobuf_Empty__Output>
      Timestamp: MessageTypeDefinition<_google_protobuf_Timestamp, _google_protobuf_Timestamp__Output>
    }
  }
}

