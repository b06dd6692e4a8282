import { constants } from 'node:fs';
import { copyFile, link, lstat, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { DfdaemonError, storageError } from '../errors.js';
import type { TaskStore } from '../storage/task-store.js';

/**
 * Checks an output path before any download starts: absolute, its directory exists, not a
 * directory itself, and not an existing file unless `overwrite`.
 */
export async function checkOutputPath(path: string, overwrite: boolean): Promise<void> {
  if (typeof path !== 'string' || path === '') throw new DfdaemonError('DF_ERR_INVALID_ARGUMENT', 'an output path is required');
  if (!isAbsolute(path)) throw new DfdaemonError('DF_ERR_INVALID_ARGUMENT', `output path ${JSON.stringify(path)} must be absolute`);
  if (path.includes('\0')) throw new DfdaemonError('DF_ERR_INVALID_ARGUMENT', 'output path contains a NUL byte');
  const existing = await lstat(path).catch(() => undefined);
  if (existing?.isDirectory() === true) {
    throw new DfdaemonError('DF_ERR_INVALID_ARGUMENT', `output path ${path} is a directory; name a file`);
  }
  if (existing !== undefined && !overwrite) {
    throw new DfdaemonError('DF_ERR_OUTPUT_EXISTS', `${path} already exists (use --overwrite to replace it)`);
  }
  const dir = await stat(dirname(path)).catch(() => undefined);
  if (dir?.isDirectory() !== true) {
    throw new DfdaemonError('DF_ERR_INVALID_ARGUMENT', `directory ${dirname(path)} does not exist`);
  }
}

/**
 * Puts a finished task at `path`: a hard link to the content file when on the same filesystem
 * (no copy), else a copy (reflink when the filesystem can). Written under a temporary name and
 * renamed, so the path never shows a partial file.
 */
export async function exportTask(task: TaskStore, path: string, overwrite: boolean): Promise<'link' | 'copy'> {
  await checkOutputPath(path, overwrite);
  const tmp = join(dirname(path), `.${basename(path)}.dfget-${process.pid}-${Date.now()}`);
  let how: 'link' | 'copy' = 'link';
  try {
    try {
      await link(task.contentPath, tmp);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'EMLINK') throw err;
      how = 'copy';
      await copyFile(task.contentPath, tmp, constants.COPYFILE_FICLONE);
    }
    if (!overwrite && (await lstat(path).catch(() => undefined)) !== undefined) {
      throw new DfdaemonError('DF_ERR_OUTPUT_EXISTS', `${path} appeared while downloading (use --overwrite)`);
    }
    await rename(tmp, path);
    return how;
  } catch (err) {
    await rm(tmp, { force: true });
    throw storageError(err, `writing ${path}`);
  }
}
