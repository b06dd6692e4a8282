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
import type { Backend as _errordetails_v2_Backend, Backend__Output as _errordetails_v2_Backend__Output } from './errordetails/v2/Backend.js';
import type { Unknown as _errordetails_v2_Unknown, Unknown__Output as _errordetails_v2_Unknown__Output } from './errordetails/v2/Unknown.js';
import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from './google/protobuf/Duration.js';
import type { Empty as _google_protobuf_Empty, Empty__Output as _google_protobuf_Empty__Output } from './google/protobuf/Empty.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from './google/protobuf/Timestamp.js';
import type { AnnounceHostRequest as _scheduler_v2_AnnounceHostRequest, AnnounceHostRequest__Output as _scheduler_v2_AnnounceHostRequest__Output } from './scheduler/v2/AnnounceHostRequest.js';
import type { AnnouncePeerRequest as _scheduler_v2_AnnouncePeerRequest, AnnouncePeerRequest__Output as _scheduler_v2_AnnouncePeerRequest__Output } from './scheduler/v2/AnnouncePeerRequest.js';
import type { AnnouncePeerResponse as _scheduler_v2_AnnouncePeerResponse, AnnouncePeerResponse__Output as _scheduler_v2_AnnouncePeerResponse__Output } from './scheduler/v2/AnnouncePeerResponse.js';
import type { DeleteHostRequest as _scheduler_v2_DeleteHostRequest, DeleteHostRequest__Output as _scheduler_v2_DeleteHostRequest__Output } from './scheduler/v2/DeleteHostRequest.js';
import type { DeletePeerRequest as _scheduler_v2_DeletePeerRequest, DeletePeerRequest__Output as _scheduler_v2_DeletePeerRequest__Output } from './scheduler/v2/DeletePeerRequest.js';
import type { DeleteTaskRequest as _scheduler_v2_DeleteTaskRequest, DeleteTaskRequest__Output as _scheduler_v2_DeleteTaskRequest__Output } from './scheduler/v2/DeleteTaskRequest.js';
import type { DownloadPeerBackToSourceFailedRequest as _scheduler_v2_DownloadPeerBackToSourceFailedRequest, DownloadPeerBackToSourceFailedRequest__Output as _scheduler_v2_DownloadPeerBackToSourceFailedRequest__Output } from './scheduler/v2/DownloadPeerBackToSourceFailedRequest.js';
import type { DownloadPeerBackToSourceFinishedRequest as _scheduler_v2_DownloadPeerBackToSourceFinishedRequest, DownloadPeerBackToSourceFinishedRequest__Output as _scheduler_v2_DownloadPeerBackToSourceFinishedRequest__Output } from './scheduler/v2/DownloadPeerBackToSourceFinishedRequest.js';
import type { DownloadPeerBackToSourceStartedRequest as _scheduler_v2_DownloadPeerBackToSourceStartedRequest, DownloadPeerBackToSourceStartedRequest__Output as _scheduler_v2_DownloadPeerBackToSourceStartedRequest__Output } from './scheduler/v2/DownloadPeerBackToSourceStartedRequest.js';
import type { DownloadPeerFailedRequest as _scheduler_v2_DownloadPeerFailedRequest, DownloadPeerFailedRequest__Output as _scheduler_v2_DownloadPeerFailedRequest__Output } from './scheduler/v2/DownloadPeerFailedRequest.js';
import type { DownloadPeerFinishedRequest as _scheduler_v2_DownloadPeerFinishedRequest, DownloadPeerFinishedRequest__Output as _scheduler_v2_DownloadPeerFinishedRequest__Output } from './scheduler/v2/DownloadPeerFinishedRequest.js';
import type { DownloadPeerStartedRequest as _scheduler_v2_DownloadPeerStartedRequest, DownloadPeerStartedRequest__Output as _scheduler_v2_DownloadPeerStartedRequest__Output } from './scheduler/v2/DownloadPeerStartedRequest.js';
import type { DownloadPieceBackToSourceFailedRequest as _scheduler_v2_DownloadPieceBackToSourceFailedRequest, DownloadPieceBackToSourceFailedRequest__Output as _scheduler_v2_DownloadPieceBackToSourceFailedRequest__Output } from './scheduler/v2/DownloadPieceBackToSourceFailedRequest.js';
import type { DownloadPieceBackToSourceFinishedRequest as _scheduler_v2_DownloadPieceBackToSourceFinishedRequest, DownloadPieceBackToSourceFinishedRequest__Output as _scheduler_v2_DownloadPieceBackToSourceFinishedRequest__Output } from './scheduler/v2/DownloadPieceBackToSourceFinishedRequest.js';
import type { DownloadPieceFailedRequest as _scheduler_v2_DownloadPieceFailedRequest, DownloadPieceFailedRequest__Output as _scheduler_v2_DownloadPieceFailedRequest__Output } from './scheduler/v2/DownloadPieceFailedRequest.js';
import type { DownloadPieceFinishedRequest as _scheduler_v2_DownloadPieceFinishedRequest, DownloadPieceFinishedRequest__Output as _scheduler_v2_DownloadPieceFinishedRequest__Output } from './scheduler/v2/DownloadPieceFinishedRequest.js';
import type { EmptyTaskResponse as _scheduler_v2_EmptyTaskResponse, EmptyTaskResponse__Output as _scheduler_v2_EmptyTaskResponse__Output } from './scheduler/v2/EmptyTaskResponse.js';
import type { File as _scheduler_v2_File, File__Output as _scheduler_v2_File__Output } from './scheduler/v2/File.js';
import type { Image as _scheduler_v2_Image, Image__Output as _scheduler_v2_Image__Output } from './scheduler/v2/Image.js';
import type { Layer as _scheduler_v2_Layer, Layer__Output as _scheduler_v2_Layer__Output } from './scheduler/v2/Layer.js';
import type { ListHostsRequest as _scheduler_v2_ListHostsRequest, ListHostsRequest__Output as _scheduler_v2_ListHostsRequest__Output } from './scheduler/v2/ListHostsRequest.js';
import type { ListHostsResponse as _scheduler_v2_ListHostsResponse, ListHostsResponse__Output as _scheduler_v2_ListHostsResponse__Output } from './scheduler/v2/ListHostsResponse.js';
import type { MetadataOnlyResponse as _scheduler_v2_MetadataOnlyResponse, MetadataOnlyResponse__Output as _scheduler_v2_MetadataOnlyResponse__Output } from './scheduler/v2/MetadataOnlyResponse.js';
import type { NeedBackToSourceResponse as _scheduler_v2_NeedBackToSourceResponse, NeedBackToSourceResponse__Output as _scheduler_v2_NeedBackToSourceResponse__Output } from './scheduler/v2/NeedBackToSourceResponse.js';
import type { NormalTaskResponse as _scheduler_v2_NormalTaskResponse, NormalTaskResponse__Output as _scheduler_v2_NormalTaskResponse__Output } from './scheduler/v2/NormalTaskResponse.js';
import type { PeerFile as _scheduler_v2_PeerFile, PeerFile__Output as _scheduler_v2_PeerFile__Output } from './scheduler/v2/PeerFile.js';
import type { PeerImage as _scheduler_v2_PeerImage, PeerImage__Output as _scheduler_v2_PeerImage__Output } from './scheduler/v2/PeerImage.js';
import type { PreheatFileRequest as _scheduler_v2_PreheatFileRequest, PreheatFileRequest__Output as _scheduler_v2_PreheatFileRequest__Output } from './scheduler/v2/PreheatFileRequest.js';
import type { PreheatImageRequest as _scheduler_v2_PreheatImageRequest, PreheatImageRequest__Output as _scheduler_v2_PreheatImageRequest__Output } from './scheduler/v2/PreheatImageRequest.js';
import type { RegisterPeerRequest as _scheduler_v2_RegisterPeerRequest, RegisterPeerRequest__Output as _scheduler_v2_RegisterPeerRequest__Output } from './scheduler/v2/RegisterPeerRequest.js';
import type { ReschedulePeerRequest as _scheduler_v2_ReschedulePeerRequest, ReschedulePeerRequest__Output as _scheduler_v2_ReschedulePeerRequest__Output } from './scheduler/v2/ReschedulePeerRequest.js';
import type { SchedulerClient as _scheduler_v2_SchedulerClient, SchedulerDefinition as _scheduler_v2_SchedulerDefinition } from './scheduler/v2/Scheduler.js';
import type { StatFileRequest as _scheduler_v2_StatFileRequest, StatFileRequest__Output as _scheduler_v2_StatFileRequest__Output } from './scheduler/v2/StatFileRequest.js';
import type { StatFileResponse as _scheduler_v2_StatFileResponse, StatFileResponse__Output as _scheduler_v2_StatFileResponse__Output } from './scheduler/v2/StatFileResponse.js';
import type { StatImageRequest as _scheduler_v2_StatImageRequest, StatImageRequest__Output as _scheduler_v2_StatImageRequest__Output } from './scheduler/v2/StatImageRequest.js';
import type { StatImageResponse as _scheduler_v2_StatImageResponse, StatImageResponse__Output as _scheduler_v2_StatImageResponse__Output } from './scheduler/v2/StatImageResponse.js';
import type { StatPeerRequest as _scheduler_v2_StatPeerRequest, StatPeerRequest__Output as _scheduler_v2_StatPeerRequest__Output } from './scheduler/v2/StatPeerRequest.js';
import type { StatTaskRequest as _scheduler_v2_StatTaskRequest, StatTaskRequest__Output as _scheduler_v2_StatTaskRequest__Output } from './scheduler/v2/StatTaskRequest.js';

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
  errordetails: {
    v2: {
      Backend: MessageTypeDefinition<_errordetails_v2_Backend, _errordetails_v2_Backend__Output>
      Unknown: MessageTypeDefinition<_errordetails_v2_Unknown, _errordetails_v2_Unknown__Output>
    }
  }
  google: {
    protobuf: {
      Duration: MessageTypeDefinition<_google_protobuf_Duration, _google_protobuf_Duration__Output>
      Empty: MessageTypeDefinition<_google_protobuf_Empty, _google_protobuf_Empty__Output>
      Timestamp: MessageTypeDefinition<_google_protobuf_Timestamp, _google_protobuf_Timestamp__Output>
    }
  }
  scheduler: {
    v2: {
      AnnounceHostRequest: MessageTypeDefinition<_scheduler_v2_AnnounceHostRequest, _scheduler_v2_AnnounceHostRequest__Output>
      AnnouncePeerRequest: MessageTypeDefinition<_scheduler_v2_AnnouncePeerRequest, _scheduler_v2_AnnouncePeerRequest__Output>
      AnnouncePeerResponse: MessageTypeDefinition<_scheduler_v2_AnnouncePeerResponse, _scheduler_v2_AnnouncePeerResponse__Output>
      DeleteHostRequest: MessageTypeDefinition<_scheduler_v2_DeleteHostRequest, _scheduler_v2_DeleteHostRequest__Output>
      DeletePeerRequest: MessageTypeDefinition<_scheduler_v2_DeletePeerRequest, _scheduler_v2_DeletePeerRequest__Output>
      DeleteTaskRequest: MessageTypeDefinition<_scheduler_v2_DeleteTaskRequest, _scheduler_v2_DeleteTaskRequest__Output>
      DownloadPeerBackToSourceFailedRequest: MessageTypeDefinition<_scheduler_v2_DownloadPeerBackToSourceFailedRequest, _scheduler_v2_DownloadPeerBackToSourceFailedRequest__Output>
      DownloadPeerBackToSourceFinishedRequest: MessageTypeDefinition<_scheduler_v2_DownloadPeerBackToSourceFinishedRequest, _scheduler_v2_DownloadPeerBackToSourceFinishedRequest__Output>
      DownloadPeerBackToSourceStartedRequest: MessageTypeDefinition<_scheduler_v2_DownloadPeerBackToSourceStartedRequest, _scheduler_v2_DownloadPeerBackToSourceStartedRequest__Output>
      DownloadPeerFailedRequest: MessageTypeDefinition<_scheduler_v2_DownloadPeerFailedRequest, _scheduler_v2_DownloadPeerFailedRequest__Output>
      DownloadPeerFinishedRequest: MessageTypeDefinition<_scheduler_v2_DownloadPeerFinishedRequest, _scheduler_v2_DownloadPeerFinishedRequest__Output>
      DownloadPeerStartedRequest: MessageTypeDefinition<_scheduler_v2_DownloadPeerStartedRequest, _scheduler_v2_DownloadPeerStartedRequest__Output>
      DownloadPieceBackToSourceFailedRequest: MessageTypeDefinition<_scheduler_v2_DownloadPieceBackToSourceFailedRequest, _scheduler_v2_DownloadPieceBackToSourceFailedRequest__Output>
      DownloadPieceBackToSourceFinishedRequest: MessageTypeDefinition<_scheduler_v2_DownloadPieceBackToSourceFinishedRequest, _scheduler_v2_DownloadPieceBackToSourceFinishedRequest__Output>
      DownloadPieceFailedRequest: MessageTypeDefinition<_scheduler_v2_DownloadPieceFailedRequest, _scheduler_v2_DownloadPieceFailedRequest__Output>
      DownloadPieceFinishedRequest: MessageTypeDefinition<_scheduler_v2_DownloadPieceFinishedRequest, _scheduler_v2_DownloadPieceFinishedRequest__Output>
      EmptyTaskResponse: MessageTypeDefinition<_scheduler_v2_EmptyTaskResponse, _scheduler_v2_EmptyTaskResponse__Output>
      File: MessageTypeDefinition<_scheduler_v2_File, _scheduler_v2_File__Output>
      Image: MessageTypeDefinition<_scheduler_v2_Image, _scheduler_v2_Image__Output>
      Layer: MessageTypeDefinition<_scheduler_v2_Layer, _scheduler_v2_Layer__Output>
      ListHostsRequest: MessageTypeDefinition<_scheduler_v2_ListHostsRequest, _scheduler_v2_ListHostsRequest__Output>
      ListHostsResponse: MessageTypeDefinition<_scheduler_v2_ListHostsResponse, _scheduler_v2_ListHostsResponse__Output>
      MetadataOnlyResponse: MessageTypeDefinition<_scheduler_v2_MetadataOnlyResponse, _scheduler_v2_MetadataOnlyResponse__Output>
      NeedBackToSourceResponse: MessageTypeDefinition<_scheduler_v2_NeedBackToSourceResponse, _scheduler_v2_NeedBackToSourceResponse__Output>
      NormalTaskResponse: MessageTypeDefinition<_scheduler_v2_NormalTaskResponse, _scheduler_v2_NormalTaskResponse__Output>
      PeerFile: MessageTypeDefinition<_scheduler_v2_PeerFile, _scheduler_v2_PeerFile__Output>
      PeerImage: MessageTypeDefinition<_scheduler_v2_PeerImage, _scheduler_v2_PeerImage__Output>
      PreheatFileRequest: MessageTypeDefinition<_scheduler_v2_PreheatFileRequest, _scheduler_v2_PreheatFileRequest__Output>
      PreheatImageRequest: MessageTypeDefinition<_scheduler_v2_PreheatImageRequest, _scheduler_v2_PreheatImageRequest__Output>
      RegisterPeerRequest: MessageTypeDefinition<_scheduler_v2_RegisterPeerRequest, _scheduler_v2_RegisterPeerRequest__Output>
      ReschedulePeerRequest: MessageTypeDefinition<_scheduler_v2_ReschedulePeerRequest, _scheduler_v2_ReschedulePeerRequest__Output>
      Scheduler: SubtypeConstructor<typeof grpc.Client, _scheduler_v2_SchedulerClient> & { service: _scheduler_v2_SchedulerDefinition }
      StatFileRequest: MessageTypeDefinition<_scheduler_v2_StatFileRequest, _scheduler_v2_StatFileRequest__Output>
      StatFileResponse: MessageTypeDefinition<_scheduler_v2_StatFileResponse, _scheduler_v2_StatFileResponse__Output>
      StatImageRequest: MessageTypeDefinition<_scheduler_v2_StatImageRequest, _scheduler_v2_StatImageRequest__Output>
      StatImageResponse: MessageTypeDefinition<_scheduler_v2_StatImageResponse, _scheduler_v2_StatImageResponse__Output>
      StatPeerRequest: MessageTypeDefinition<_scheduler_v2_StatPeerRequest, _scheduler_v2_StatPeerRequest__Output>
      StatTaskRequest: MessageTypeDefinition<_scheduler_v2_StatTaskRequest, _scheduler_v2_StatTaskRequest__Output>
    }
  }
}

