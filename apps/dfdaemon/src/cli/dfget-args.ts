import { isAbsolute } from 'node:path';
import { parseArgs } from 'node:util';
import { MAX_PIECE_LENGTH, MIN_PIECE_LENGTH } from '@d7y/core';
import { DfdaemonError } from '../errors.js';

export const DEFAULT_SOCKET = '/var/run/dragonfly/dfdaemon.sock';
/** --timeout when not given: 2h. */
const DEFAULT_TIMEOUT_MS = 2 * 60 * 60 * 1000;

export interface DfgetArgs {
  url: string;
  output: string;
  digest?: string;
  tag?: string;
  application?: string;
  priority: number;
  header: Record<string, string>;
  filteredQueryParams?: string[];
  pieceLength?: number;
  contentForCalculatingTaskId?: string;
  disableBackToSource: boolean;
  overwrite: boolean;
  /** ms. */
  timeoutMs: number;
  progress: boolean;
  endpoint: string;
}

export const DFGET_USAGE = `Usage: dfget <URL> -O <absolute path> [options]

Downloads a file through the local dfdaemon (peer to peer, verified).

Options:
  -O, --output <path>             where to write the file (absolute path; required)
      --overwrite                 replace an existing file
      --digest <alg:hex>          verify the whole file (sha256:…, sha512:…, crc32:…)
      --tag <tag>                 part of the task ID (different tag, different task)
      --application <name>        part of the task ID
  -p, --priority <0-6>            scheduling priority (default 6)
  -H, --header 'K: V'             request header for the source (repeatable)
      --filtered-query-param <k>  query parameter ignored in the task ID (repeatable)
      --piece-length <size>       e.g. 4mib (4 MiB – 64 MiB)
      --content-for-calculating-task-id <text>
      --disable-back-to-source    only peers; never the source
      --timeout <duration>        e.g. 30m (default 2h)
      --no-progress               no progress bar
  -e, --endpoint <socket>         dfdaemon socket (default ${DEFAULT_SOCKET})
  -V, --version
  -h, --help

Exit codes: 0 ok, 1 other failure, 2 bad arguments or output path, 3 dfdaemon not running,
4 source error (e.g. 404), 5 digest mismatch, 6 disk full, 7 no peer and no source, 8 timeout.
`;

function bad(message: string): DfdaemonError {
  return new DfdaemonError('DF_ERR_INVALID_ARGUMENT', message);
}

/** Parses and validates dfget's command line. Throws DF_ERR_INVALID_ARGUMENT with a clear message. */
export async function parseDfgetArgs(argv: readonly string[]): Promise<DfgetArgs | 'help' | 'version'> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        output: { type: 'string', short: 'O' },
        overwrite: { type: 'boolean', default: false },
        digest: { type: 'string' },
        tag: { type: 'string' },
        application: { type: 'string' },
        priority: { type: 'string', short: 'p', default: '6' },
        header: { type: 'string', short: 'H', multiple: true, default: [] },
        'filtered-query-param': { type: 'string', multiple: true },
        'piece-length': { type: 'string' },
        'content-for-calculating-task-id': { type: 'string' },
        'disable-back-to-source': { type: 'boolean', default: false },
        timeout: { type: 'string' },
        'no-progress': { type: 'boolean', default: false },
        endpoint: { type: 'string', short: 'e', default: DEFAULT_SOCKET },
        version: { type: 'boolean', short: 'V' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    throw bad((err as Error).message);
  }
  const v = parsed.values;
  if (v.help === true) return 'help';
  if (v.version === true) return 'version';
  if (parsed.positionals.length !== 1) throw bad('expected exactly one URL');
  const url = parsed.positionals[0] as string;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw bad(`invalid URL ${JSON.stringify(url)}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw bad(`unsupported scheme ${u.protocol} (http and https are)`);
  if (v.output === undefined || v.output === '') throw bad('-O <absolute path> is required');
  if (!isAbsolute(v.output)) throw bad(`-O ${JSON.stringify(v.output)} must be an absolute path`);
  const priority = Number(v.priority);
  if (!Number.isInteger(priority) || priority < 0 || priority > 6) throw bad('--priority must be an integer from 0 to 6');
  const header: Record<string, string> = {};
  for (const h of v.header ?? []) {
    const i = h.indexOf(':');
    if (i <= 0) throw bad(`-H ${JSON.stringify(h)} must look like 'Name: value'`);
    header[h.slice(0, i).trim().toLowerCase()] = h.slice(i + 1).trim();
  }
  // The size and duration parsers come with @d7y/config's schema libraries (~80 ms to load):
  // only when a flag needs them, since dfget's start-up is paid on every download.
  const units = v['piece-length'] !== undefined || v.timeout !== undefined ? await import('@d7y/config') : undefined;
  let pieceLength: number | undefined;
  if (v['piece-length'] !== undefined && units !== undefined) {
    try {
      pieceLength = units.parseByteSize(v['piece-length']);
    } catch (err) {
      throw bad(`--piece-length: ${(err as Error).message}`);
    }
    if (pieceLength < MIN_PIECE_LENGTH || pieceLength > MAX_PIECE_LENGTH) throw bad('--piece-length must be between 4mib and 64mib');
  }
  let timeoutMs = DEFAULT_TIMEOUT_MS;
  if (v.timeout !== undefined && units !== undefined) {
    try {
      timeoutMs = units.parseDuration(v.timeout);
    } catch (err) {
      throw bad(`--timeout: ${(err as Error).message}`);
    }
  }
  if (timeoutMs <= 0) throw bad('--timeout must be positive');
  if (v.digest !== undefined && !/^(sha256|sha512|crc32):[0-9a-f]+$/.test(v.digest.toLowerCase())) {
    throw bad('--digest must look like sha256:<hex>, sha512:<hex> or crc32:<value>');
  }
  const args: DfgetArgs = {
    url,
    output: v.output,
    priority,
    header,
    disableBackToSource: v['disable-back-to-source'] === true,
    overwrite: v.overwrite === true,
    timeoutMs,
    progress: v['no-progress'] !== true,
    endpoint: v.endpoint as string,
  };
  if (v.digest !== undefined) args.digest = v.digest.toLowerCase();
  if (v.tag !== undefined) args.tag = v.tag;
  if (v.application !== undefined) args.application = v.application;
  if (v['filtered-query-param'] !== undefined) args.filteredQueryParams = v['filtered-query-param'];
  if (pieceLength !== undefined) args.pieceLength = pieceLength;
  if (v['content-for-calculating-task-id'] !== undefined) args.contentForCalculatingTaskId = v['content-for-calculating-task-id'];
  return args;
}
