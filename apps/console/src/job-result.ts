// Reading a job's result (the manager's job-schemas: reason, urls, peers with per-peer task
// counts, warnings, started_at/finished_at). Pure, tested in job-result.test.ts.

export interface PeerProgress {
  hostname?: string;
  ip?: string;
  port?: number;
  scheduler_cluster_id?: number;
  state?: string;
  total_tasks?: number;
  finished_tasks?: number;
  failed_tasks?: number;
  downloaded_bytes?: number;
  tasks?: { task_id?: string; url?: string; state?: string; content_length?: number; piece_count?: number }[];
  error?: string;
}

export interface JobResult {
  reason?: string;
  urls?: string[];
  task_id?: string;
  peers?: PeerProgress[];
  warnings?: string[];
  started_at?: string;
  finished_at?: string;
}

export function resultOf(result: unknown): JobResult {
  return typeof result === 'object' && result !== null && !Array.isArray(result) ? (result as JobResult) : {};
}

export interface Progress {
  total: number;
  finished: number;
  failed: number;
  bytes: number;
  /** 0–100, whole numbers; undefined while nothing is known. */
  percent: number | undefined;
}

/** Tasks done (finished or failed) over all tasks, summed over peers. */
export function progressOf(result: JobResult): Progress {
  let total = 0;
  let finished = 0;
  let failed = 0;
  let bytes = 0;
  for (const p of result.peers ?? []) {
    total += p.total_tasks ?? 0;
    finished += p.finished_tasks ?? 0;
    failed += p.failed_tasks ?? 0;
    bytes += p.downloaded_bytes ?? 0;
  }
  return { total, finished, failed, bytes, percent: total === 0 ? undefined : Math.min(100, Math.floor(((finished + failed) * 100) / total)) };
}

/** The most specific failure reason: the job's, else the first peer error. */
export function failureReason(result: JobResult): string | undefined {
  if (typeof result.reason === 'string' && result.reason.trim() !== '') return result.reason.trim();
  const failedPeers = (result.peers ?? []).filter((p) => typeof p.error === 'string' && p.error !== '');
  const first = failedPeers[0];
  if (first === undefined) return undefined;
  const who = first.hostname ?? first.ip ?? 'a peer';
  return failedPeers.length === 1 ? `${who}: ${first.error}` : `${failedPeers.length} peers failed; first ${who}: ${first.error}`;
}
