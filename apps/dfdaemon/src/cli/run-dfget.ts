import { stat } from 'node:fs/promises';
import * as grpc from '@grpc/grpc-js';
import type { dfdaemon } from '@d7y/rpc';
// The light entry: dfget's start-up is paid on every download (see dfdaemon-download.ts).
import { createDfdaemonDownloadClient, fromServiceError } from '@d7y/rpc/dfdaemon-download';
import { DfdaemonError, ERRORS, errorCodeFromMessage, type ErrorCode } from '../errors.js';
import { checkOutputPath } from '../download/task-exporter.js';
import { DFGET_USAGE, parseDfgetArgs, type DfgetArgs } from './dfget-args.js';
import { ProgressReporter, type ProgressSnapshot } from './progress-reporter.js';

const VERSION = '0.1.0';

interface Io {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean };
}

export interface RunDfgetOptions {
  /** Options of the channel to the daemon (the tracing interceptor, when tracing is on). */
  channelOptions?: grpc.ChannelOptions;
}

/** Runs dfget; returns the exit code. */
export async function runDfget(argv: readonly string[], io: Io, o: RunDfgetOptions = {}): Promise<number> {
  let args: DfgetArgs;
  try {
    const parsed = await parseDfgetArgs(argv);
    if (parsed === 'help') {
      io.stdout.write(DFGET_USAGE);
      return 0;
    }
    if (parsed === 'version') {
      io.stdout.write(`dfget ${VERSION}\n`);
      return 0;
    }
    args = parsed;
    await checkOutputPath(args.output, args.overwrite);
  } catch (err) {
    return report(err, io);
  }
  const socket = await stat(args.endpoint).catch(() => undefined);
  if (socket?.isSocket() !== true) {
    return report(new DfdaemonError('DF_ERR_DAEMON_UNAVAILABLE', `dfdaemon is not running (no socket at ${args.endpoint})`), io);
  }
  const client = createDfdaemonDownloadClient(`unix://${args.endpoint}`, grpc.credentials.createInsecure(), o.channelOptions ?? {});
  try {
    return await download(client, args, io);
  } catch (err) {
    return report(err, io);
  } finally {
    client.close();
  }
}

function download(client: dfdaemon.DfdaemonDownloadClient, args: DfgetArgs, io: Io): Promise<number> {
  const progress = new ProgressReporter({ out: io.stderr, enabled: args.progress });
  const snap: ProgressSnapshot = { bytes: 0, total: null, fromPeers: 0, fromSource: 0, fromLocal: 0 };
  const seconds = Math.ceil(args.timeoutMs / 1000);
  const call = client.DownloadTask(
    {
      download: {
        url: args.url,
        type: 'STANDARD',
        priority: `LEVEL${args.priority}` as 'LEVEL6',
        request_header: args.header,
        filtered_query_params: args.filteredQueryParams ?? [],
        output_path: args.output,
        overwrite: args.overwrite,
        disable_back_to_source: args.disableBackToSource,
        timeout: { seconds, nanos: 0 },
        ...(args.digest === undefined ? {} : { digest: args.digest }),
        ...(args.tag === undefined ? {} : { tag: args.tag }),
        ...(args.application === undefined ? {} : { application: args.application }),
        ...(args.pieceLength === undefined ? {} : { piece_length: args.pieceLength }),
        ...(args.contentForCalculatingTaskId === undefined ? {} : { content_for_calculating_task_id: args.contentForCalculatingTaskId }),
      },
    },
    // The daemon enforces the timeout; the deadline only bounds a daemon that hangs.
    { deadline: Date.now() + args.timeoutMs + 30_000 },
  );
  return new Promise((resolve, reject) => {
    call.on('data', (r: dfdaemon.DownloadTaskResponse__Output) => {
      if (r.download_task_started_response) {
        snap.total = Number(r.download_task_started_response.content_length);
      } else if (r.download_piece_finished_response?.piece) {
        const p = r.download_piece_finished_response.piece;
        const len = Number(p.length);
        snap.bytes += len;
        if (p.traffic_type === 'REMOTE_PEER') snap.fromPeers += len;
        else if (p.traffic_type === 'LOCAL_PEER') snap.fromLocal += len;
        else snap.fromSource += len;
        progress.update(snap);
      }
    });
    // Success is an OK status, not the end of the stream (which also comes before an error).
    call.on('error', (err) => reject(err));
    call.on('status', (st: grpc.StatusObject) => {
      if (st.code !== grpc.status.OK) return;
      progress.done(snap, args.output);
      resolve(0);
    });
  });
}

function report(err: unknown, io: Io): number {
  let code: ErrorCode | undefined;
  let message: string;
  if (err instanceof DfdaemonError) {
    code = err.code;
    message = err.message;
  } else {
    const rpc = fromServiceError(err);
    code = errorCodeFromMessage(rpc.message);
    message = rpc.message.replace(/^[A-Z_]+: /, '').replace(/^DF_ERR_[A-Z_]+: /, '');
    if (code === undefined && (rpc.code === grpc.status.UNAVAILABLE || rpc.code === grpc.status.DEADLINE_EXCEEDED)) {
      code = rpc.code === grpc.status.UNAVAILABLE ? 'DF_ERR_DAEMON_UNAVAILABLE' : 'DF_ERR_TIMEOUT';
      message = `dfdaemon did not answer: ${rpc.message}`;
    }
  }
  io.stderr.write(`dfget: error: ${message}${hint(code)}\n`);
  return code === undefined ? 1 : ERRORS[code].exit;
}

function hint(code: ErrorCode | undefined): string {
  switch (code) {
    case 'DF_ERR_DAEMON_UNAVAILABLE':
      return ' — start it with `dfdaemon --config /etc/dragonfly/dfdaemon.yaml`, or pass -e <socket>';
    case 'DF_ERR_DIGEST_MISMATCH':
      return ' — the file was not written';
    case 'DF_ERR_NO_SPACE':
      return ' — free space in the dfdaemon storage directory';
    case 'DF_ERR_OUTPUT_EXISTS':
      return '';
    default:
      return '';
  }
}
