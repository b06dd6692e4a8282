import type * as grpc from '@grpc/grpc-js';
import { isTaskId } from '@d7y/core';
import type { Logger } from '@d7y/logger';
import { endCallWithError, RpcError, toServiceError, type dfdaemon } from '@d7y/rpc';
import { DfdaemonError } from '../errors.js';
import { checkOutputPath, exportTask } from '../download/task-exporter.js';
import type { TaskManager } from '../download/task-manager.js';
import type { Storage } from '../storage/storage.js';
import type { PieceRecord } from '../storage/task-store.js';
import { toRpcError } from './rpc-errors.js';
import { downloadFromProto, pieceResponseToProto, startedToProto, taskToProto, timestamp } from './to-proto.js';

export interface DownloadServiceDeps {
  storage: Storage;
  tasks: TaskManager;
  logger: Logger;
  hostId: string;
}

/**
 * dfdaemon.v2.DfdaemonDownload on the unix socket (mode 0660: local users of the daemon's group).
 * The only API that writes an output file, and only to an absolute path.
 */
export function downloadServiceHandlers(deps: DownloadServiceDeps): Partial<dfdaemon.DfdaemonDownloadHandlers> {
  const log = deps.logger.child({ component: 'download-service' });
  const fail = (err: unknown): grpc.ServiceError => {
    if (!(err instanceof DfdaemonError) && !(err instanceof RpcError)) log.error({ err }, 'unexpected error');
    return toServiceError(toRpcError(err));
  };
  const taskIdOf = (id: string): string => {
    if (!isTaskId(id)) throw new DfdaemonError('DF_ERR_INVALID_ARGUMENT', 'task_id must be 64 lowercase hex characters');
    return id;
  };

  return {
    DownloadTask(call) {
      void (async () => {
        try {
          const d = call.request.download;
          const req = downloadFromProto(d);
          if (d?.need_piece_content === true) {
            throw new DfdaemonError('DF_ERR_INVALID_ARGUMENT', 'need_piece_content (transfer from dfdaemon) is not supported');
          }
          const output = d?.output_path;
          const overwrite = d?.overwrite === true;
          if (output !== undefined && output !== '') await checkOutputPath(output, overwrite);
          const ctrl = new AbortController();
          call.on('cancelled', () => ctrl.abort(new DfdaemonError('DF_ERR_CANCELLED', 'dfget went away')));
          let peerId = '';
          let taskId = '';
          const task = await deps.tasks.download(req, {
            signal: ctrl.signal,
            onStarted: (s) => {
              peerId = s.peerId;
              taskId = s.taskId;
              call.write(startedToProto(deps.hostId, s, req));
            },
            onPiece: (p: PieceRecord) => call.write(pieceResponseToProto(deps.hostId, taskId, peerId, p)),
          });
          if (output !== undefined && output !== '') {
            if (req.range !== undefined) throw new DfdaemonError('DF_ERR_INVALID_ARGUMENT', 'a range download cannot be written to a file');
            const how = await exportTask(task, output, overwrite);
            log.info({ taskId: task.id, output, how }, 'task written to output path');
          }
          call.end();
        } catch (err) {
          if (!(err instanceof DfdaemonError) && !(err instanceof RpcError)) log.error({ err }, 'DownloadTask failed');
          endCallWithError(call, toRpcError(err));
        }
      })();
    },

    StatTask(call, callback) {
      try {
        callback(null, taskToProto(deps.storage.require(taskIdOf(call.request.task_id))));
      } catch (err) {
        callback(fail(err));
      }
    },

    StatLocalTask(call, callback) {
      try {
        const t = deps.storage.require(taskIdOf(call.request.task_id));
        const m = t.meta;
        callback(null, {
          task_id: t.id,
          piece_length: t.pieceLength,
          ...(t.contentLength === null ? {} : { content_length: t.contentLength }),
          response_header: m.responseHeader,
          uploading_count: 0,
          uploaded_count: 0,
          created_at: timestamp(m.createdAt),
          updated_at: timestamp(m.updatedAt),
          ...(m.finishedAt === undefined ? {} : { finished_at: timestamp(m.finishedAt) }),
          ...(m.failedAt === undefined ? {} : { failed_at: timestamp(m.failedAt) }),
        });
      } catch (err) {
        callback(fail(err));
      }
    },

    ListLocalTasks(_call, callback) {
      callback(null, {
        tasks: deps.storage.list().map((t) => ({
          task_id: t.id,
          piece_length: t.pieceLength,
          ...(t.contentLength === null ? {} : { content_length: t.contentLength }),
          response_header: t.meta.responseHeader,
          uploading_count: 0,
          uploaded_count: 0,
          created_at: timestamp(t.meta.createdAt),
          updated_at: timestamp(t.meta.updatedAt),
        })),
      });
    },

    DeleteTask(call, callback) {
      void (async () => {
        try {
          const id = taskIdOf(call.request.task_id);
          if (!(await deps.storage.delete(id))) throw new DfdaemonError('DF_ERR_TASK_NOT_FOUND', `task ${id} is not here`);
          callback(null, {});
        } catch (err) {
          callback(fail(err));
        }
      })();
    },
  };
}
