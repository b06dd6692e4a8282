// Original file: ../../protos/dfdaemon.proto

import type { Download as _common_v2_Download, Download__Output as _common_v2_Download__Output } from '../../common/v2/Download.js';

export interface DownloadTaskRequest {
  'download'?: (_common_v2_Download | null);
}

export interface DownloadTaskRequest__Output {
  'download': (_common_v2_Download__Output | null);
}
