// Original file: ../../protos/scheduler.proto

import type { File as _scheduler_v2_File, File__Output as _scheduler_v2_File__Output } from '../../scheduler/v2/File.js';

export interface PeerFile {
  'ip'?: (string);
  'hostname'?: (string);
  'cached_files'?: (_scheduler_v2_File)[];
}

export interface PeerFile__Output {
  'ip': (string);
  'hostname': (string);
  'cached_files': (_scheduler_v2_File__Output)[];
}
