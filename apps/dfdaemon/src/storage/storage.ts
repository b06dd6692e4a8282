import { mkdir, open, readdir, readFile, rm, stat, statfs, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { isTaskId } from '@d7y/core';
import type { Logger } from '@d7y/logger';
import { DfdaemonError, storageError } from '../errors.js';
import { syncDir } from '@d7y/core';
import { SlabPool } from '../memory/slab-pool.js';
import { PieceHasher } from './piece-hasher.js';
import { TaskStore, type OpenFile, type PieceRecord, type TaskMetadata } from './task-store.js';

export interface StorageDeps {
  /** storage.dir: content/ and metadata/ live below it (0700). */
  dir: string;
  /** storage.keep: reload tasks at start instead of wiping them. */
  keep: boolean;
  logger: Logger;
  now?: () => number;
  openFile?: OpenFile;
  writeBufferBytes?: number;
  /** Page-aligned slabs go to disk with O_DIRECT (default true; see TaskStoreDeps.directIO). */
  directIO?: boolean;
  /** Called for every task store created or reloaded (metrics subscribe to its pieces). */
  onTaskOpened?: (store: TaskStore) => void;
  /** false: hash pieces on the main thread as they arrive instead of in a worker. Default true. */
  hashInWorker?: boolean;
  /** Hashing threads (default 1). */
  hashWorkers?: number;
}

export interface CreateTaskOptions {
  id: string;
  url: string;
  pieceLength: number;
  contentLength: number | null;
  responseHeader: Record<string, string>;
}

export interface DiskUsage {
  totalBytes: number;
  freeBytes: number;
}

const DIGEST_RE = /^sha256:[0-9a-f]{64}$/;
/** Staging slabs: as large as the back-to-source ones, two per piece being written at most. */
const STAGING_SLAB_BYTES = 2 * 1024 * 1024;

/**
 * Layout (as upstream's, with a journal instead of RocksDB):
 *   <dir>/content/tasks/<id[0:3]>/<id>   one file per task, pieces at their offsets
 *   <dir>/metadata/tasks/<id>.json       task metadata (atomic rewrite)
 *   <dir>/metadata/tasks/<id>.pieces     finished-piece journal (JSON lines, appended after fdatasync)
 */
export class Storage {
  private readonly dir: string;
  private readonly keep: boolean;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly openFile: OpenFile;
  private readonly writeBufferBytes: number | undefined;
  private readonly directIO: boolean;
  /** Page-aligned slabs that peers' pieces are copied into on their way to O_DIRECT writes. */
  private readonly staging: SlabPool | undefined;
  private readonly onTaskOpened: ((store: TaskStore) => void) | undefined;
  private readonly tasks = new Map<string, TaskStore>();
  private readonly hasher: PieceHasher | undefined;
  private readonly creating = new Map<string, Promise<TaskStore>>();

  constructor(deps: StorageDeps) {
    this.dir = deps.dir;
    this.keep = deps.keep;
    this.log = deps.logger.child({ component: 'storage' });
    this.now = deps.now ?? Date.now;
    this.openFile = deps.openFile ?? ((p, f, m) => open(p, f, m));
    this.writeBufferBytes = deps.writeBufferBytes;
    this.directIO = deps.directIO !== false;
    this.staging = this.directIO ? new SlabPool({ slabBytes: STAGING_SLAB_BYTES, shared: true }) : undefined;
    this.onTaskOpened = deps.onTaskOpened;
    this.hasher = deps.hashInWorker === false ? undefined : new PieceHasher(deps.hashWorkers);
  }

  private get contentDir(): string {
    return join(this.dir, 'content', 'tasks');
  }

  private get metadataDir(): string {
    return join(this.dir, 'metadata', 'tasks');
  }

  async start(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    if (!this.keep) {
      await rm(join(this.dir, 'content'), { recursive: true, force: true });
      await rm(join(this.dir, 'metadata'), { recursive: true, force: true });
    }
    for (const d of [join(this.dir, 'content'), this.contentDir, join(this.dir, 'metadata'), this.metadataDir]) {
      await mkdir(d, { recursive: true, mode: 0o700 });
    }
    if (this.keep) await this.load();
  }

  async stop(): Promise<void> {
    for (const t of this.tasks.values()) await t.close();
    await this.hasher?.close();
    this.staging?.close();
  }

  get(taskId: string): TaskStore | undefined {
    return this.tasks.get(taskId);
  }

  /** The task, or DF_ERR_TASK_NOT_FOUND. */
  require(taskId: string): TaskStore {
    const t = this.tasks.get(taskId);
    if (t === undefined) throw new DfdaemonError('DF_ERR_TASK_NOT_FOUND', `task ${taskId} is not in local storage`);
    return t;
  }

  list(): TaskStore[] {
    return [...this.tasks.values()];
  }

  /** Bytes the content files of all tasks occupy (finished pieces). */
  usedBytes(): number {
    let sum = 0;
    for (const t of this.tasks.values()) sum += t.finishedBytes;
    return sum;
  }

  async diskUsage(): Promise<DiskUsage> {
    const s = await statfs(this.dir);
    return { totalBytes: s.blocks * s.bsize, freeBytes: s.bavail * s.bsize };
  }

  /**
   * Returns the task, creating its metadata and empty content file if new. An existing task
   * with other parameters (length changed at the origin) is replaced.
   */
  async getOrCreate(o: CreateTaskOptions): Promise<TaskStore> {
    if (!isTaskId(o.id)) throw new DfdaemonError('DF_ERR_INVALID_ARGUMENT', `invalid task id ${JSON.stringify(o.id)}`);
    const pending = this.creating.get(o.id);
    if (pending !== undefined) return pending;
    const existing = this.tasks.get(o.id);
    if (existing !== undefined) {
      const sameLength = existing.contentLength === o.contentLength || existing.contentLength === null;
      if (existing.pieceLength === o.pieceLength && sameLength && o.contentLength !== null) return existing;
      if (existing.pieceLength === o.pieceLength && o.contentLength === null && !existing.isFinished) return existing;
      if (existing.inUse) {
        throw new DfdaemonError('DF_ERR_STORAGE', `task ${o.id} changed at the source while in use`);
      }
      this.log.info({ taskId: o.id }, 'source length changed, replacing stored task');
      await this.delete(o.id);
    }
    const p = this.create(o).finally(() => this.creating.delete(o.id));
    this.creating.set(o.id, p);
    return p;
  }

  async delete(taskId: string): Promise<boolean> {
    const t = this.tasks.get(taskId);
    if (t === undefined) return false;
    this.tasks.delete(taskId);
    await t.delete();
    return true;
  }

  private paths(id: string): { content: string; meta: string; journal: string; shard: string } {
    const shard = join(this.contentDir, id.slice(0, 3));
    return {
      shard,
      content: join(shard, id),
      meta: join(this.metadataDir, `${id}.json`),
      journal: join(this.metadataDir, `${id}.pieces`),
    };
  }

  private async create(o: CreateTaskOptions): Promise<TaskStore> {
    const p = this.paths(o.id);
    const now = this.now();
    const meta: TaskMetadata = {
      id: o.id,
      url: o.url,
      pieceLength: o.pieceLength,
      contentLength: o.contentLength,
      responseHeader: o.responseHeader,
      createdAt: now,
      updatedAt: now,
    };
    const store = new TaskStore({
      meta,
      contentPath: p.content,
      metaPath: p.meta,
      journalPath: p.journal,
      openFile: this.openFile,
      now: this.now,
      ...(this.writeBufferBytes === undefined ? {} : { writeBufferBytes: this.writeBufferBytes }),
      ...(this.hasher === undefined ? {} : { hasher: this.hasher }),
      directIO: this.directIO,
      ...(this.staging === undefined ? {} : { staging: this.staging }),
    });
    try {
      // Metadata first: a content file without metadata is an orphan and removed at load.
      await store.saveMeta();
      await mkdir(p.shard, { recursive: true, mode: 0o700 });
      const fh = await this.openFile(p.content, 'w', 0o600);
      await fh.close();
      const jh = await this.openFile(p.journal, 'w', 0o600);
      await jh.close();
      await syncDir(p.shard);
      await syncDir(this.metadataDir);
    } catch (err) {
      await rm(p.meta, { force: true });
      await rm(p.content, { force: true });
      await rm(p.journal, { force: true });
      throw storageError(err, `creating task ${o.id}`);
    }
    this.tasks.set(o.id, store);
    this.onTaskOpened?.(store);
    return store;
  }

  /** Reloads tasks after a restart, keeping only journal lines whose bytes are provably on disk. */
  private async load(): Promise<void> {
    const names = await readdir(this.metadataDir);
    for (const name of names) {
      if (name.includes('.tmp-')) {
        await rm(join(this.metadataDir, name), { force: true });
        continue;
      }
      if (!name.endsWith('.json')) continue;
      const id = name.slice(0, -'.json'.length);
      if (!isTaskId(id)) continue;
      try {
        const store = await this.loadTask(id);
        if (store !== undefined) {
          this.tasks.set(id, store);
          this.onTaskOpened?.(store);
        }
      } catch (err) {
        this.log.warn({ taskId: id, err }, 'dropping unreadable stored task');
        const p = this.paths(id);
        await rm(p.meta, { force: true });
        await rm(p.journal, { force: true });
        await rm(p.content, { force: true });
      }
    }
    // Content files without metadata are leftovers of a crash during creation or deletion.
    for (const shard of await readdir(this.contentDir)) {
      for (const name of await readdir(join(this.contentDir, shard)).catch(() => [] as string[])) {
        if (!this.tasks.has(name)) await rm(join(this.contentDir, shard, name), { force: true });
      }
    }
    this.log.info({ tasks: this.tasks.size }, 'storage reloaded');
  }

  private async loadTask(id: string): Promise<TaskStore | undefined> {
    const p = this.paths(id);
    const meta = JSON.parse(await readFile(p.meta, 'utf8')) as TaskMetadata;
    if (meta.id !== id || !Number.isInteger(meta.pieceLength) || meta.pieceLength <= 0) {
      throw new Error('metadata does not describe this task');
    }
    const contentSize = (await stat(p.content)).size;
    let text = '';
    try {
      text = await readFile(p.journal, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const pieces: PieceRecord[] = [];
    let validBytes = 0;
    let offsetInText = 0;
    for (const line of text.split('\n')) {
      const lineBytes = Buffer.byteLength(line) + 1;
      const end = offsetInText + lineBytes;
      offsetInText = end;
      if (end > Buffer.byteLength(text)) break; // last line without '\n': torn append
      const rec = parsePiece(line, meta, contentSize);
      if (rec === undefined) break; // stop at the first bad line; later lines are not trusted
      pieces.push(rec);
      validBytes = end;
    }
    if (validBytes < Buffer.byteLength(text)) {
      this.log.warn({ taskId: id, droppedBytes: Buffer.byteLength(text) - validBytes }, 'truncating torn piece journal');
      await truncate(p.journal, validBytes);
    }
    let m = meta;
    if (m.finishedAt !== undefined) {
      const count = m.contentLength === null ? -1 : Math.ceil(m.contentLength / m.pieceLength);
      if (pieces.length !== count) {
        const { finishedAt: _f, ...rest } = m;
        m = rest;
      }
    }
    return new TaskStore({
      meta: m,
      pieces,
      contentPath: p.content,
      metaPath: p.meta,
      journalPath: p.journal,
      journalBytes: validBytes,
      openFile: this.openFile,
      now: this.now,
      ...(this.writeBufferBytes === undefined ? {} : { writeBufferBytes: this.writeBufferBytes }),
      ...(this.hasher === undefined ? {} : { hasher: this.hasher }),
      directIO: this.directIO,
      ...(this.staging === undefined ? {} : { staging: this.staging }),
    });
  }
}

function parsePiece(line: string, meta: TaskMetadata, contentSize: number): PieceRecord | undefined {
  let r: PieceRecord;
  try {
    r = JSON.parse(line) as PieceRecord;
  } catch {
    return undefined;
  }
  if (typeof r !== 'object' || r === null) return undefined;
  const { number, offset, length, digest } = r;
  if (!Number.isInteger(number) || number < 0) return undefined;
  if (offset !== number * meta.pieceLength) return undefined;
  if (!Number.isInteger(length) || length < 0 || length > meta.pieceLength) return undefined;
  if (meta.contentLength !== null && offset + length > meta.contentLength) return undefined;
  if (offset + length > contentSize) return undefined;
  if (typeof digest !== 'string' || !DIGEST_RE.test(digest)) return undefined;
  return r;
}
