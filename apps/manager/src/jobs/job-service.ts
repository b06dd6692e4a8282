import { randomUUID } from 'node:crypto';
import { MAX_PIECE_LENGTH, MIN_PIECE_LENGTH, assertNever, isTaskId } from '@d7y/core';
import { checkHeaders, isEgressError } from '@d7y/egress';
import type { EgressClient, EgressErrorCode } from '@d7y/egress';
import type { Principal } from '../auth/principal.js';
import type { PageRequest, PageResult } from '../db/page.js';
import { conflict, notFound, tooManyRequests, validationError } from '../errors.js';
import { parseManifestUrl } from './image-manifest-resolver.js';
import type { PreheatArgs, TaskArgs } from './job-args.js';
import type { JobRateLimiter } from './job-rate-limiter.js';
import type { Job, JobFilter, JobRepository, JobType, StoredArgs } from './job-repository.js';
import type { JobSecrets } from './job-runner.js';
import type { JobTargetRepository } from './job-target-repository.js';
import { parsePlatform } from './platform.js';

export interface CreateJobInput {
  type: JobType;
  bio?: string;
  args: Record<string, unknown>;
  scheduler_cluster_ids?: number[];
}

export interface JobLimits {
  /** Most URLs a file preheat may name, and blobs an image may have (job.preheat.maxBlobs). */
  maxBlobs: number;
  /** Most peers one job may drive (job.maxPeers). */
  maxPeers: number;
}

export interface JobQueue {
  enqueue(job: Job, secrets: JobSecrets): void;
}

/** Egress refusals that are the request's fault: answered 400 at creation. */
const REFUSED_NOW: readonly EgressErrorCode[] = ['DF_ERR_EGRESS_ADDRESS_REFUSED', 'DF_ERR_EGRESS_SCHEME_REFUSED', 'DF_ERR_EGRESS_INVALID_URL'];

/** Placeholder stored and shown instead of a header value: values may be credentials. */
export const REDACTED = '<redacted>';

/**
 * Validates and records jobs, then hands them to the runner. Refuses at once (400) what would only
 * fail later when the fault is in the request: malformed or refused URLs (the egress policy judges
 * the host now; the runner's client judges every connection again), CR/LF in headers, too many URLs
 * or peers; refuses with 429 what exceeds a cluster's job rate.
 */
export class JobService {
  private readonly jobs: JobRepository;
  private readonly targets: JobTargetRepository;
  private readonly queue: JobQueue;
  private readonly egress: EgressClient;
  private readonly rateLimiter: JobRateLimiter;
  private readonly limits: JobLimits;

  constructor(deps: { jobs: JobRepository; targets: JobTargetRepository; queue: JobQueue; egress: EgressClient; rateLimiter: JobRateLimiter; limits: JobLimits }) {
    this.jobs = deps.jobs;
    this.targets = deps.targets;
    this.queue = deps.queue;
    this.egress = deps.egress;
    this.rateLimiter = deps.rateLimiter;
    this.limits = deps.limits;
  }

  list(page: PageRequest, filter: JobFilter): Promise<PageResult<Job>> {
    return this.jobs.list(page, filter);
  }

  async get(id: number): Promise<Job> {
    const job = await this.jobs.get(id);
    if (job === undefined) throw notFound('job', id);
    return job;
  }

  async delete(id: number): Promise<void> {
    const job = await this.get(id);
    if (job.state === 'PENDING' || job.state === 'RUNNING') throw conflict(`job ${id} is ${job.state}; delete it once it has ended`);
    await this.jobs.delete(id);
  }

  async create(caller: Principal, input: CreateJobInput): Promise<Job> {
    let stored: StoredArgs;
    let secrets: JobSecrets;
    switch (input.type) {
      case 'preheat':
        ({ stored, secrets } = await this.checkPreheat(input.args as unknown as PreheatArgs));
        break;
      case 'get_task':
      case 'delete_task':
        stored = this.checkTaskArgs(input.args as unknown as TaskArgs);
        secrets = { headers: {} };
        break;
      default:
        assertNever(input.type);
    }

    const ids = [...new Set(input.scheduler_cluster_ids ?? [])];
    const clusters = await this.targets.clusters(ids);
    const missing = ids.filter((id) => !clusters.some((c) => c.id === id));
    if (missing.length > 0) throw validationError(`scheduler_cluster_ids: no scheduler cluster ${missing.join(', ')}`);
    if (clusters.length === 0) throw validationError('scheduler_cluster_ids: none given and there is no scheduler cluster');
    const limited = this.rateLimiter.tryAdmit(clusters);
    if (limited !== undefined) throw tooManyRequests(`scheduler cluster ${limited.name} accepts ${limited.jobRateLimit} job(s) per second`, 1);

    const job = await this.jobs.create({
      task_id: randomUUID(),
      bio: input.bio ?? '',
      type: input.type,
      args: stored,
      user_id: caller.user.id,
      scheduler_cluster_ids: clusters.map((c) => c.id),
    });
    this.queue.enqueue(job, secrets);
    return job;
  }

  private async checkPreheat(args: PreheatArgs): Promise<{ stored: StoredArgs; secrets: JobSecrets }> {
    const headers = args.headers ?? {};
    try {
      checkHeaders(headers);
    } catch (err) {
      throw validationError(`args.headers: ${(err as Error).message}`);
    }
    const urls = [args.url, ...(args.urls ?? [])];
    switch (args.type) {
      case 'image':
        if (args.urls !== undefined && args.urls.length > 0) throw validationError('args.urls is for type file; an image preheat takes one manifest url');
        try {
          parseManifestUrl(args.url);
        } catch (err) {
          throw validationError(`args.url: ${(err as Error).message}`);
        }
        if (args.platform !== undefined && parsePlatform(args.platform) === undefined) throw validationError('args.platform must look like linux/amd64 or linux/arm64/v8');
        break;
      case 'file':
        if (urls.length > this.limits.maxBlobs) throw validationError(`args: ${urls.length} URLs, more than job.preheat.maxBlobs (${this.limits.maxBlobs})`);
        if (args.platform !== undefined) throw validationError('args.platform is for type image');
        break;
      default:
        assertNever(args.type);
    }
    for (const url of urls) await this.checkDestination(url);
    if (args.ips !== undefined && args.ips.length > this.limits.maxPeers) throw validationError(`args.ips: ${args.ips.length} peers, more than job.maxPeers (${this.limits.maxPeers})`);
    if (args.count !== undefined && args.count > this.limits.maxPeers) throw validationError(`args.count: more than job.maxPeers (${this.limits.maxPeers})`);
    if ((args.scope ?? 'single_seed_peer') === 'single_seed_peer' && (args.ips !== undefined || args.count !== undefined || args.percentage !== undefined)) {
      throw validationError('args.ips, args.count and args.percentage apply to scopes all_seed_peers and all_peers');
    }
    checkPieceLength(args.piece_length);
    if (args.password !== undefined && (args.username === undefined || args.username === '')) throw validationError('args.password needs args.username');

    // Stored and shown: no password, header names only.
    const { password, headers: _headers, ...rest } = args;
    const stored: StoredArgs = { ...rest, scope: args.scope ?? 'single_seed_peer' };
    if (Object.keys(headers).length > 0) stored.headers = Object.fromEntries(Object.keys(headers).map((k) => [k, REDACTED]));
    return { stored, secrets: { password, headers: { ...headers } } };
  }

  /** Refuses now what the egress policy refuses (scheme, loopback/metadata/private without allow-list). */
  private async checkDestination(url: string): Promise<void> {
    try {
      await this.egress.checkUrl(url);
    } catch (err) {
      if (!isEgressError(err)) throw err;
      if (REFUSED_NOW.includes(err.code)) throw validationError(`args.url ${safeUrl(url)}: ${err.message}`);
      // DNS or a timeout now: the job itself will report it.
    }
  }

  private checkTaskArgs(args: TaskArgs): StoredArgs {
    const given = [args.task_id, args.url, args.content_for_calculating_task_id].filter((v) => v !== undefined).length;
    if (given !== 1) throw validationError('args need exactly one of task_id, url, content_for_calculating_task_id');
    if (args.task_id !== undefined && !isTaskId(args.task_id)) throw validationError('args.task_id must be 64 lower-case hex digits');
    if (args.url !== undefined) {
      let u: URL;
      try {
        u = new URL(args.url);
      } catch {
        throw validationError('args.url is not a URL');
      }
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw validationError('args.url must be http or https');
    }
    checkPieceLength(args.piece_length);
    return { ...args };
  }
}

function checkPieceLength(pieceLength: number | undefined): void {
  if (pieceLength === undefined) return;
  if (!Number.isSafeInteger(pieceLength) || pieceLength < MIN_PIECE_LENGTH || pieceLength > MAX_PIECE_LENGTH) {
    throw validationError(`args.piece_length must be ${MIN_PIECE_LENGTH}–${MAX_PIECE_LENGTH} bytes`);
  }
}

/** A URL for messages: scheme, host and path, never query or credentials. */
function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(invalid)';
  }
}
