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
import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from './google/protobuf/Duration.js';
import type { Empty as _google_protobuf_Empty, Empty__Output as _google_protobuf_Empty__Output } from './google/protobuf/Empty.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from './google/protobuf/Timestamp.js';
import type { Application as _manager_v2_Application, Application__Output as _manager_v2_Application__Output } from './manager/v2/Application.js';
import type { ApplicationPriority as _manager_v2_ApplicationPriority, ApplicationPriority__Output as _manager_v2_ApplicationPriority__Output } from './manager/v2/ApplicationPriority.js';
import type { DeleteSeedPeerRequest as _manager_v2_DeleteSeedPeerRequest, DeleteSeedPeerRequest__Output as _manager_v2_DeleteSeedPeerRequest__Output } from './manager/v2/DeleteSeedPeerRequest.js';
import type { GetSchedulerRequest as _manager_v2_GetSchedulerRequest, GetSchedulerRequest__Output as _manager_v2_GetSchedulerRequest__Output } from './manager/v2/GetSchedulerRequest.js';
import type { GetSeedPeerRequest as _manager_v2_GetSeedPeerRequest, GetSeedPeerRequest__Output as _manager_v2_GetSeedPeerRequest__Output } from './manager/v2/GetSeedPeerRequest.js';
import type { KeepAliveRequest as _manager_v2_KeepAliveRequest, KeepAliveRequest__Output as _manager_v2_KeepAliveRequest__Output } from './manager/v2/KeepAliveRequest.js';
import type { ListApplicationsRequest as _manager_v2_ListApplicationsRequest, ListApplicationsRequest__Output as _manager_v2_ListApplicationsRequest__Output } from './manager/v2/ListApplicationsRequest.js';
import type { ListApplicationsResponse as _manager_v2_ListApplicationsResponse, ListApplicationsResponse__Output as _manager_v2_ListApplicationsResponse__Output } from './manager/v2/ListApplicationsResponse.js';
import type { ListSchedulersRequest as _manager_v2_ListSchedulersRequest, ListSchedulersRequest__Output as _manager_v2_ListSchedulersRequest__Output } from './manager/v2/ListSchedulersRequest.js';
import type { ListSchedulersResponse as _manager_v2_ListSchedulersResponse, ListSchedulersResponse__Output as _manager_v2_ListSchedulersResponse__Output } from './manager/v2/ListSchedulersResponse.js';
import type { ListSeedPeersRequest as _manager_v2_ListSeedPeersRequest, ListSeedPeersRequest__Output as _manager_v2_ListSeedPeersRequest__Output } from './manager/v2/ListSeedPeersRequest.js';
import type { ListSeedPeersResponse as _manager_v2_ListSeedPeersResponse, ListSeedPeersResponse__Output as _manager_v2_ListSeedPeersResponse__Output } from './manager/v2/ListSeedPeersResponse.js';
import type { ManagerClient as _manager_v2_ManagerClient, ManagerDefinition as _manager_v2_ManagerDefinition } from './manager/v2/Manager.js';
import type { Scheduler as _manager_v2_Scheduler, Scheduler__Output as _manager_v2_Scheduler__Output } from './manager/v2/Scheduler.js';
import type { SchedulerCluster as _manager_v2_SchedulerCluster, SchedulerCluster__Output as _manager_v2_SchedulerCluster__Output } from './manager/v2/SchedulerCluster.js';
import type { SeedPeer as _manager_v2_SeedPeer, SeedPeer__Output as _manager_v2_SeedPeer__Output } from './manager/v2/SeedPeer.js';
import type { SeedPeerCluster as _manager_v2_SeedPeerCluster, SeedPeerCluster__Output as _manager_v2_SeedPeerCluster__Output } from './manager/v2/SeedPeerCluster.js';
import type { URLPriority as _manager_v2_URLPriority, URLPriority__Output as _manager_v2_URLPriority__Output } from './manager/v2/URLPriority.js';
import type { UpdateSchedulerRequest as _manager_v2_UpdateSchedulerRequest, UpdateSchedulerRequest__Output as _manager_v2_UpdateSchedulerRequest__Output } from './manager/v2/UpdateSchedulerRequest.js';
import type { UpdateSeedPeerRequest as _manager_v2_UpdateSeedPeerRequest, UpdateSeedPeerRequest__Output as _manager_v2_UpdateSeedPeerRequest__Output } from './manager/v2/UpdateSeedPeerRequest.js';

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
  google: {
    protobuf: {
      Duration: MessageTypeDefinition<_google_protobuf_Duration, _google_protobuf_Duration__Output>
      Empty: MessageTypeDefinition<_google_protobuf_Empty, _google_protobuf_Empty__Output>
      Timestamp: MessageTypeDefinition<_google_protobuf_Timestamp, _google_protobuf_Timestamp__Output>
    }
  }
  manager: {
    v2: {
      Application: MessageTypeDefinition<_manager_v2_Application, _manager_v2_Application__Output>
      ApplicationPriority: MessageTypeDefinition<_manager_v2_ApplicationPriority, _manager_v2_ApplicationPriority__Output>
      DeleteSeedPeerRequest: MessageTypeDefinition<_manager_v2_DeleteSeedPeerRequest, _manager_v2_DeleteSeedPeerRequest__Output>
      GetSchedulerRequest: MessageTypeDefinition<_manager_v2_GetSchedulerRequest, _manager_v2_GetSchedulerRequest__Output>
      GetSeedPeerRequest: MessageTypeDefinition<_manager_v2_GetSeedPeerRequest, _manager_v2_GetSeedPeerRequest__Output>
      KeepAliveRequest: MessageTypeDefinition<_manager_v2_KeepAliveRequest, _manager_v2_KeepAliveRequest__Output>
      ListApplicationsRequest: MessageTypeDefinition<_manager_v2_ListApplicationsRequest, _manager_v2_ListApplicationsRequest__Output>
      ListApplicationsResponse: MessageTypeDefinition<_manager_v2_ListApplicationsResponse, _manager_v2_ListApplicationsResponse__Output>
      ListSchedulersRequest: MessageTypeDefinition<_manager_v2_ListSchedulersRequest, _manager_v2_ListSchedulersRequest__Output>
      ListSchedulersResponse: MessageTypeDefinition<_manager_v2_ListSchedulersResponse, _manager_v2_ListSchedulersResponse__Output>
      ListSeedPeersRequest: MessageTypeDefinition<_manager_v2_ListSeedPeersRequest, _manager_v2_ListSeedPeersRequest__Output>
      ListSeedPeersResponse: MessageTypeDefinition<_manager_v2_ListSeedPeersResponse, _manager_v2_ListSeedPeersResponse__Output>
      Manager: SubtypeConstructor<typeof grpc.Client, _manager_v2_ManagerClient> & { service: _manager_v2_ManagerDefinition }
      Scheduler: MessageTypeDefinition<_manager_v2_Scheduler, _manager_v2_Scheduler__Output>
      SchedulerCluster: MessageTypeDefinition<_manager_v2_SchedulerCluster, _manager_v2_SchedulerCluster__Output>
      SeedPeer: MessageTypeDefinition<_manager_v2_SeedPeer, _manager_v2_SeedPeer__Output>
      SeedPeerCluster: MessageTypeDefinition<_manager_v2_SeedPeerCluster, _manager_v2_SeedPeerCluster__Output>
      SourceType: EnumTypeDefinition
      URLPriority: MessageTypeDefinition<_manager_v2_URLPriority, _manager_v2_URLPriority__Output>
      UpdateSchedulerRequest: MessageTypeDefinition<_manager_v2_UpdateSchedulerRequest, _manager_v2_UpdateSchedulerRequest__Output>
      UpdateSeedPeerRequest: MessageTypeDefinition<_manager_v2_UpdateSeedPeerRequest, _manager_v2_UpdateSeedPeerRequest__Output>
    }
  }
}

