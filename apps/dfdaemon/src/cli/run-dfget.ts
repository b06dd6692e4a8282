import { stat } from 'node:fs/promises';
// Over node:http2, without grpc-js or protobufjs: dfget's start-up is paid on every download.
import { DfdaemonDownloadH2Client, GrpcCallError, GrpcStatus, type PriorityName } from '@d7y/rpc/dfdaemon-download-h2';
import { DfdaemonError, ERRORS, errorCodeFromMessage, type ErrorCode } from '../errors.js';
import { checkOutputPath } from '../download/task-exporter.js';
import { DFGET_USAGE, parseDfgetArgs, type DfgetArgs } from './dfget-args.js';
import { ProgressReporter, type ProgressSnapshot } from './progress-reporter.js';

const VERSION = '0.1.0';

interface Io {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean };
}

/** Runs the call to the daemon with the metadata to send (tracing wraps it in a client span). */
export type CallWrapper = <T>(call: (metadata: Record<string, string>) => Promise<T>) => Promise<T>;

export interface RunDfgetOptions {
  wrapCall?: CallWrapper;
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
  const client = new DfdaemonDownloadH2Client(args.endpoint);
  try {
    return await download(client, args, io, o.wrapCall ?? ((call) => call({})));
  } catch (err) {
    return report(err, io);
  } finally {
    client.close();
  }
}

async function download(client: DfdaemonDownloadH2Client, args: DfgetArgs, io: Io, wrapCall: CallWrapper): Promise<number> {
  const progress = new ProgressReporter({ out: io.stderr, enabled: args.progress });
  const snap: ProgressSnapshot = { bytes: 0, total: null, fromPeers: 0, fromSource: 0, fromLocal: 0 };
  const seconds = Math.ceil(args.timeoutMs / 1000);
  const request = {
    download: {
      url: args.url,
      type: 'STANDARD',
      priority: `LEVEL${args.priority}` as PriorityName,
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
  } as const;
  // Resolves on an OK status only (the end of the stream also comes before an error).
  await wrapCall((metadata) =>
    client.downloadTask(request, {
      metadata,
      // The daemon enforces the timeout; the deadline only bounds a daemon that hangs.
      deadline: Date.now() + args.timeoutMs + 30_000,
      onResponse: (r) => {
        if (r.download_task_started_response) {
          snap.total = r.download_task_started_response.content_length;
        } else if (r.download_piece_finished_response?.piece) {
          const p = r.download_piece_finished_response.piece;
          snap.bytes += p.length;
          if (p.traffic_type === 'REMOTE_PEER') snap.fromPeers += p.length;
          else if (p.traffic_type === 'LOCAL_PEER') snap.fromLocal += p.length;
          else snap.fromSource += p.length;
          progress.update(snap);
        }
      },
    }),
  );
  progress.done(snap, args.output);
  return 0;
}

function report(err: unknown, io: Io): number {
  let code: ErrorCode | undefined;
  let message: string;
  if (err instanceof DfdaemonError) {
    code = err.code;
    message = err.message;
  } else {
    // The status message (`DF_ERR_…: text` from the daemon), else the error's own text.
    const rpcCode = err instanceof GrpcCallError ? err.code : GrpcStatus.UNKNOWN;
    const text = err instanceof GrpcCallError && err.details !== '' ? err.details : err instanceof Error ? err.message : String(err);
    code = errorCodeFromMessage(text);
    message = text.replace(/^[A-Z_]+: /, '').replace(/^DF_ERR_[A-Z_]+: /, '');
    if (code === undefined && (rpcCode === GrpcStatus.UNAVAILABLE || rpcCode === GrpcStatus.DEADLINE_EXCEEDED)) {
      code = rpcCode === GrpcStatus.UNAVAILABLE ? 'DF_ERR_DAEMON_UNAVAILABLE' : 'DF_ERR_TIMEOUT';
      message = `dfdaemon did not answer: ${text}`;
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
