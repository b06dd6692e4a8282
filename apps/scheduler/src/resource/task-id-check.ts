import { taskId } from '@d7y/core';
import type { Download } from './download.js';

// Upstream's blob URL pattern for task IDs taken from an OCI blob digest.
const BLOB_URL = /^(.*):\/\/(.*)\/v2\/(.*)\/blobs\/([^?]+)/;

/**
 * Whether `id` is the task ID of `download`, computed as the peer must have computed it (@d7y/core
 * `taskId`, upstream's rule). Binding the ID to the URL stops a peer from registering other
 * content under a task ID and then reporting "trusted" digests for it.
 * Accepted: sha256(content_for_calculating_task_id); the blob digest's hex when the peer asked for
 * blob-digest task IDs; the URL-based ID with the given filtered query params, or with the defaults
 * when none were given.
 */
export function taskIdMatches(id: string, download: Download): boolean {
  return taskIdMatchesUncached(id, download);
}

/** The fields of a download that make up its task ID. */
export interface TaskIdInputs {
  readonly url: string;
  readonly tag: string | undefined;
  readonly application: string | undefined;
  readonly pieceLength: number | undefined;
  readonly filteredQueryParams: readonly string[];
  readonly contentForCalculatingTaskId: string | undefined;
  readonly enableTaskIdBasedBlobDigest: boolean;
}

/**
 * A copy of what makes up the download's task ID: a task remembers the inputs it was checked with,
 * so later peers of the same download skip the SHA-256 (~15 µs per registration).
 */
export function taskIdInputs(download: Download): TaskIdInputs {
  return {
    url: download.url,
    tag: download.tag,
    application: download.application,
    pieceLength: download.pieceLength,
    filteredQueryParams: [...download.filteredQueryParams],
    contentForCalculatingTaskId: download.contentForCalculatingTaskId,
    enableTaskIdBasedBlobDigest: download.enableTaskIdBasedBlobDigest,
  };
}

/** Whether `download` has exactly these task ID inputs (compared field by field, nothing allocated). */
export function hasTaskIdInputs(download: Download, inputs: TaskIdInputs): boolean {
  if (
    download.url !== inputs.url ||
    download.tag !== inputs.tag ||
    download.application !== inputs.application ||
    download.pieceLength !== inputs.pieceLength ||
    download.contentForCalculatingTaskId !== inputs.contentForCalculatingTaskId ||
    download.enableTaskIdBasedBlobDigest !== inputs.enableTaskIdBasedBlobDigest ||
    download.filteredQueryParams.length !== inputs.filteredQueryParams.length
  ) {
    return false;
  }
  for (let i = 0; i < inputs.filteredQueryParams.length; i++) {
    if (download.filteredQueryParams[i] !== inputs.filteredQueryParams[i]) return false;
  }
  return true;
}

function taskIdMatchesUncached(id: string, download: Download): boolean {
  if (download.contentForCalculatingTaskId !== undefined) {
    return taskId({ url: download.url, contentForCalculatingTaskId: download.contentForCalculatingTaskId }) === id;
  }
  if (download.enableTaskIdBasedBlobDigest) {
    const blob = BLOB_URL.exec(download.url)?.[4];
    const colon = blob?.indexOf(':') ?? -1;
    if (blob !== undefined && colon > 0 && blob.slice(colon + 1) === id) return true;
  }
  const base = { url: download.url, tag: download.tag, application: download.application, pieceLength: download.pieceLength };
  try {
    if (taskId({ ...base, filteredQueryParams: download.filteredQueryParams }) === id) return true;
    return download.filteredQueryParams.length === 0 && taskId(base) === id;
  } catch {
    return false;
  }
}
