import { TokenBucket } from '@d7y/core';
import type { JobCluster } from './job-target-repository.js';

/**
 * Jobs per scheduler cluster per second (the cluster's `job_rate_limit`, burst equal to the rate).
 * A job for several clusters needs a token from each; excess is refused at once (429), never queued.
 */
export class JobRateLimiter {
  private readonly buckets = new Map<number, { rate: number; bucket: TokenBucket }>();
  private readonly now: () => number;

  /** `now`: a clock in milliseconds (the manager's clock; tests step it). */
  constructor(deps: { now?: () => number } = {}) {
    this.now = deps.now ?? (() => performance.now());
  }

  /** Takes one token per cluster; answers the first cluster that had none, or undefined when admitted. */
  tryAdmit(clusters: readonly JobCluster[]): JobCluster | undefined {
    for (const cluster of clusters) {
      let entry = this.buckets.get(cluster.id);
      if (entry === undefined || entry.rate !== cluster.jobRateLimit) {
        entry = { rate: cluster.jobRateLimit, bucket: new TokenBucket({ ratePerSecond: cluster.jobRateLimit, burst: cluster.jobRateLimit, now: this.now }) };
        this.buckets.set(cluster.id, entry);
      }
      if (!entry.bucket.tryTake(1)) return cluster;
    }
    return undefined;
  }
}
