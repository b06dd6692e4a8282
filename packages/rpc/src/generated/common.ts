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
  google: {
    protobuf: {
      Duration: MessageTypeDefinition<_google_protobuf_Duration, _google_protobuf_Duration__Output>
      Timestamp: MessageTypeDefinition<_google_protobuf_Timestamp, _google_protobuf_Timestamp__Output>
    }
  }
}

