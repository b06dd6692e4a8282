import { createHash } from 'node:crypto';
import { InvalidIdError } from './invalid-id-error.js';

/**
 * Query parameters that carry signatures/credentials rather than identity (S3, GCS, OSS, OBS, COS
 * pre-signed URLs, containerd's `ns`). Dropped before hashing so that the same object requested with
 * two different signatures is one task. Same list as upstream dfget / proxy defaults.
 */
export const DEFAULT_FILTERED_QUERY_PARAMS: readonly string[] = Object.freeze([
  // S3
  'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires',
  'X-Amz-SignedHeaders', 'X-Amz-Signature', 'X-Amz-Security-Token', 'X-Amz-User-Agent',
  // GCS
  'X-Goog-Algorithm', 'X-Goog-Credential', 'X-Goog-Date', 'X-Goog-Expires',
  'X-Goog-SignedHeaders', 'X-Goog-Signature',
  // OSS
  'OSSAccessKeyId', 'Expires', 'Signature', 'SecurityToken',
  // OBS
  'AccessKeyId', 'Signature', 'Expires', 'X-Obs-Date', 'X-Obs-Security-Token',
  // COS
  'q-sign-algorithm', 'q-ak', 'q-sign-time', 'q-key-time', 'q-header-list',
  'q-url-param-list', 'q-signature', 'x-cos-security-token',
  // containerd
  'ns',
]);

/** Upstream `TaskType::Standard.as_str_name()`, the last part hashed into a standard task ID. */
const STANDARD_TASK_TYPE = 'STANDARD';

export interface TaskIdOptions {
  url: string;
  tag?: string | undefined;
  application?: string | undefined;
  /** Repository revision, only for Hugging Face / ModelScope / OpenCSG downloads. */
  revision?: string | undefined;
  /** Bytes; part of the identity (two piece lengths are two tasks). */
  pieceLength?: number | undefined;
  /** Omitted → DEFAULT_FILTERED_QUERY_PARAMS; `[]` → the URL is hashed exactly as given. */
  filteredQueryParams?: readonly string[] | undefined;
  /** When set, the task ID is sha256 of this text alone (header X-Dragonfly-Content-For-Calculating-Task-ID). */
  contentForCalculatingTaskId?: string | undefined;
  /**
   * Registry mirror option (upstream `enableTaskIDBasedBlobDigest`): an OCI blob URL's sha256 digest
   * is the task ID, so one blob pulled through two registries is one task.
   */
  blobDigestBased?: boolean | undefined;
}

// Upstream's OCI blob URL shape: <scheme>://<registry>/v2/<repository>/blobs/<digest>[?query].
const BLOB_URL = /^(.*):\/\/(.*)\/v2\/(.*)\/blobs\/([^?]+)(?:\?.*)?$/s;
const SHA256_DIGEST = /^sha256:([0-9a-f]{64})$/;

/**
 * The task ID of an OCI blob URL: the hex of its sha256 digest, or undefined when the URL is not a
 * blob URL or its digest is not sha256. Upstream also takes sha512/crc32 digests verbatim; we do not,
 * because a task ID must stay 64 lower-case hex (callers fall back to the URL rule).
 */
export function blobDigestTaskId(url: string): string | undefined {
  const digest = BLOB_URL.exec(url)?.[4];
  return digest === undefined ? undefined : SHA256_DIGEST.exec(digest)?.[1];
}

/**
 * Task ID exactly as the upstream Rust client computes it:
 *   content given → hex(sha256(content));
 *   blobDigestBased and an OCI blob URL with a sha256 digest → that digest's hex;
 *   otherwise      → hex(sha256(canonicalUrl ‖ tag ‖ application ‖ revision ‖ decimal(pieceLength) ‖ "STANDARD"))
 * where absent parts contribute nothing and canonicalUrl is described at `canonicalTaskUrl`.
 */
export function taskId(opts: TaskIdOptions): string {
  if (opts.contentForCalculatingTaskId !== undefined) {
    if (typeof opts.contentForCalculatingTaskId !== 'string') {
      throw new TypeError('contentForCalculatingTaskId must be a string');
    }
    return createHash('sha256').update(opts.contentForCalculatingTaskId, 'utf8').digest('hex');
  }
  if (opts.blobDigestBased === true) {
    const fromBlob = blobDigestTaskId(opts.url);
    if (fromBlob !== undefined) return fromBlob;
  }
  const hash = createHash('sha256').update(canonicalTaskUrl(opts.url, opts.filteredQueryParams ?? DEFAULT_FILTERED_QUERY_PARAMS), 'utf8');
  for (const [name, part] of [['tag', opts.tag], ['application', opts.application], ['revision', opts.revision]] as const) {
    if (part === undefined) continue;
    if (typeof part !== 'string') throw new TypeError(`${name} must be a string`);
    hash.update(part, 'utf8');
  }
  if (opts.pieceLength !== undefined) {
    if (!Number.isSafeInteger(opts.pieceLength) || opts.pieceLength <= 0) {
      throw new RangeError(`pieceLength must be a positive integer number of bytes, got ${String(opts.pieceLength)}`);
    }
    hash.update(String(opts.pieceLength), 'utf8');
  }
  return hash.update(STANDARD_TASK_TYPE, 'utf8').digest('hex');
}

/**
 * The URL as it enters the task ID (upstream `filter_query_params`, which matches the Go scheduler):
 * - no filtered params → the URL string unchanged (not even normalised);
 * - otherwise parse it (WHATWG), split the query on '&', drop segments containing ';', form-decode each
 *   pair, drop pairs whose key is filtered (exact, case-sensitive), stable-sort the rest by key
 *   (UTF-8 byte order; values of one key keep their order), re-encode like Go's url.QueryEscape,
 *   remove '?' when nothing is left, and strip the trailing '/' of a root path.
 * Throws TypeError for a URL that cannot be parsed.
 */
export function canonicalTaskUrl(url: string, filteredQueryParams: readonly string[]): string {
  if (typeof url !== 'string' || url.length === 0) throw new TypeError('url must be a non-empty string');
  const parsed = parseUrl(url);
  if (filteredQueryParams.length === 0) return url;

  const filtered = new Set(filteredQueryParams);
  const pairs: Array<[Buffer, string, string]> = [];
  // `search` is '' both for no '?' and for a bare '?'; either way there are no pairs.
  for (const segment of parsed.search.slice(1).split('&')) {
    if (segment.length === 0 || segment.includes(';')) continue;
    const eq = segment.indexOf('=');
    const key = formDecode(eq < 0 ? segment : segment.slice(0, eq));
    const value = eq < 0 ? '' : formDecode(segment.slice(eq + 1));
    if (!filtered.has(key)) pairs.push([Buffer.from(key, 'utf8'), key, value]);
  }
  // Array.prototype.sort is stable, as Rust's sort_by is.
  pairs.sort((a, b) => Buffer.compare(a[0], b[0]));
  parsed.search = pairs.length === 0 ? '' : `?${pairs.map(([, k, v]) => `${queryEscape(k)}=${queryEscape(v)}`).join('&')}`;

  const out = parsed.href;
  if (parsed.pathname === '/' && out.endsWith('/')) return out.replace(/\/+$/, '');
  return out;
}

function parseUrl(url: string): URL {
  try {
    return new URL(url);
  } catch {
    throw new TypeError(`invalid url ${JSON.stringify(url.length > 200 ? `${url.slice(0, 200)}…` : url)}`);
  }
}

// application/x-www-form-urlencoded decoding: '+' is a space, %XX a byte, invalid UTF-8 → U+FFFD.
function formDecode(text: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x2b) {
      bytes.push(0x20);
    } else if (c === 0x25 && i + 2 < text.length && isHex(text.charCodeAt(i + 1)) && isHex(text.charCodeAt(i + 2))) {
      bytes.push(Number.parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      // The query of a parsed URL is ASCII, but be correct for any input.
      for (const b of Buffer.from(text[i] ?? '', 'utf8')) bytes.push(b);
    }
  }
  return new TextDecoder('utf-8', { fatal: false }).decode(Uint8Array.from(bytes));
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

// Go's url.QueryEscape: unreserved bytes stay, ' ' becomes '+', everything else %XX (upper case).
function queryEscape(text: string): string {
  let out = '';
  for (const b of Buffer.from(text, 'utf8')) {
    const unreserved = (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) ||
      b === 0x2d || b === 0x2e || b === 0x5f || b === 0x7e;
    if (unreserved) out += String.fromCharCode(b);
    else if (b === 0x20) out += '+';
    else out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

const TASK_ID = /^[0-9a-f]{64}$/;

export function isTaskId(value: unknown): value is string {
  return typeof value === 'string' && TASK_ID.test(value);
}

/** A task ID is exactly 64 lower-case hex characters: the only shape ever allowed to name a file. */
export function assertTaskId(value: unknown): asserts value is string {
  if (isTaskId(value)) return;
  let reason: string;
  if (typeof value !== 'string') reason = 'expected a string';
  else if (value.length !== 64) reason = `expected 64 lower-case hex characters, got ${value.length} characters`;
  else reason = 'expected 64 lower-case hex characters (0-9, a-f)';
  throw new InvalidIdError('task', value, reason);
}
