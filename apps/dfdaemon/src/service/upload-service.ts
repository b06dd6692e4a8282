import type * as grpc from '@grpc/grpc-js';
import { status } from '@grpc/grpc-js';
import { isTaskId } from '@d7y/core';
import type { Logger } from '@d7y/logger';
import { endCallWithError, RpcError, toServiceError, type dfdaemon } from '@d7y/rpc';
import { DfdaemonError } from '../errors.js';
import type { TaskManager } from '../download/task-manager.js';
import type { Storage } from '../storage/storage.js';
import type { PieceRecord } from '../storage/task-store.js';
import { authorize } from './authorize.js';
import { toRpcError } from './rpc-errors.js';
import { downloadFromProto, pieceResponseToProto, startedToProto, taskToProto } from './to-proto.js';

export interface UploadServiceDeps {
  storage: Storage;
  tasks: TaskManager;
  logger: Logger;
  hostId: string;
  /** Announced to children in SyncPieces: where our piece server listens. */
  ip: string;
  pieceServerPort: () => number;
  /** upload.disableShared (leech mode): no SyncPieces for anyone. */
  disableShared?: boolean;
}

/**
 * dfdaemon.v2.DfdaemonUpload (:4000, mTLS): what other daemons, the scheduler and the manager
 * may ask of this peer. Never accepts an output path: the network cannot make us write files.
 */
export function uploadServiceHandlers(deps: UploadServiceDeps): Partial<dfdaemon.DfdaemonUploadHandlers> {
  const log = deps.logger.child({ component: 'upload-service' });

  const fail = (err: unknown, rpc: string): grpc.ServiceError => {
    if (!(err instanceof DfdaemonError) && !(err instanceof RpcError)) log.error({ err, rpc }, 'unexpected error');
    return toServiceError(toRpcError(err));
  };

  return {
    DownloadTask(call) {
      void (async () => {
        try {
          authorize(call, ['scheduler', 'manager'], 'DownloadTask');
          const d = call.request.download;
          if (d?.output_path !== undefined && d.output_path !== '') {
            throw new DfdaemonError('DF_ERR_INVALID_ARGUMENT', 'output_path is not accepted over the network');
          }
          // the network asked: the source client applies the egress policy to this task's requests
          const req = { ...downloadFromProto(d), remote: true };
          const ctrl = new AbortController();
          call.on('cancelled', () => ctrl.abort(new DfdaemonError('DF_ERR_CANCELLED', 'caller cancelled')));
          let peerId = '';
          let taskId = '';
          await deps.tasks.download(req, {
            signal: ctrl.signal,
            onStarted: (s) => {
              peerId = s.peerId;
              taskId = s.taskId;
              call.write(startedToProto(deps.hostId, s, req));
            },
            onPiece: (p: PieceRecord) => call.write(pieceResponseToProto(deps.hostId, taskId, peerId, p)),
          });
          call.end();
        } catch (err) {
          if (!(err instanceof DfdaemonError) && !(err instanceof RpcError)) log.error({ err }, 'DownloadTask failed');
          endCallWithError(call, toRpcError(err));
        }
      })();
    },

    SyncPieces(call) {
      try {
        authorize(call, ['dfdaemon'], 'SyncPieces');
        if (deps.disableShared === true) throw new RpcError(status.FAILED_PRECONDITION, 'this peer does not share (upload.disableShared)');
        const taskId = call.request.task_id;
        if (!isTaskId(taskId)) throw new DfdaemonError('DF_ERR_INVALID_ARGUMENT', 'task_id must be 64 lowercase hex characters');
        const task = deps.storage.get(taskId);
        if (task === undefined || task.isFailed) throw new DfdaemonError('DF_ERR_TASK_NOT_FOUND', `task ${taskId} is not here`);
        for (const n of call.request.interested_piece_numbers) task.assertPieceNumber(n);
        const wanted = new Set(call.request.interested_piece_numbers);
        const all = wanted.size === 0;
        const sent = new Set<number>();
        const release = task.pin();
        let done = false;
        const finish = (err?: unknown): void => {
          if (done) return;
          done = true;
          offPiece();
          offEnd();
          release();
          if (err === undefined) call.end();
          else endCallWithError(call, toRpcError(err));
        };
        const send = (p: PieceRecord): void => {
          if (done || sent.has(p.number) || (!all && !wanted.has(p.number))) return;
          sent.add(p.number);
          const port = deps.pieceServerPort();
          call.write({ number: p.number, offset: p.offset, length: p.length, ip: deps.ip, tcp_port: port });
          const target = all ? task.pieceCount : wanted.size;
          if (target !== undefined && sent.size >= target) finish();
        };
        const offPiece = task.onPiece(send);
        const offEnd = task.onEnd((err) => {
          // Finished: everything we have was sent. Failed/deleted: the child must look elsewhere.
          if (err === undefined) finish();
          else finish(new DfdaemonError('DF_ERR_TASK_NOT_FOUND', `task ${taskId} ended here: ${err.message}`));
        });
        call.on('cancelled', () => finish());
        for (const p of task.pieces()) send(p);
        if (!done && task.isFinished) finish();
      } catch (err) {
        endCallWithError(call, toRpcError(err));
      }
    },

    StatTask(call, callback) {
      try {
        authorize(call, ['dfdaemon', 'manager', 'scheduler', 'client'], 'StatTask');
        const taskId = call.request.task_id;
        if (!isTaskId(taskId)) throw new DfdaemonError('DF_ERR_INVALID_ARGUMENT', 'task_id must be 64 lowercase hex characters');
        callback(null, taskToProto(deps.storage.require(taskId)));
      } catch (err) {
        callback(fail(err, 'StatTask'));
      }
    },

    DeleteTask(call, callback) {
      void (async () => {
        try {
          authorize(call, ['manager'], 'DeleteTask');
          const taskId = call.request.task_id;
          if (!isTaskId(taskId)) throw new DfdaemonError('DF_ERR_INVALID_ARGUMENT', 'task_id must be 64 lowercase hex characters');
          if (!(await deps.storage.delete(taskId))) throw new DfdaemonError('DF_ERR_TASK_NOT_FOUND', `task ${taskId} is not here`);
          callback(null, {});
        } catch (err) {
          callback(fail(err, 'DeleteTask'));
        }
      })();
    },

    SyncHost(call) {
      endCallWithError(call, new RpcError(status.UNIMPLEMENTED, 'SyncHost is not implemented'));
    },
  };
}
