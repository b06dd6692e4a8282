import { SchedulerError } from '../errors.js';

export interface IdentityQuotaLimits {
  /** Hosts one identity (client certificate) may have announced at once. */
  hostsPerIdentity: number;
  /** Peers one identity may have registered at once (until deleted or collected). */
  peersPerIdentity: number;
}

interface Usage {
  hosts: number;
  peers: number;
}

/**
 * Per-identity caps on the state a client can make the scheduler hold, so that one client
 * streaming fake hosts or peers exhausts its own quota, not the scheduler's memory.
 */
export class IdentityQuota {
  private readonly limits: IdentityQuotaLimits;
  private readonly usage = new Map<string, Usage>();

  constructor(deps: { limits: IdentityQuotaLimits }) {
    this.limits = deps.limits;
  }

  usageOf(identity: string): Readonly<Usage> {
    return this.usage.get(identity) ?? { hosts: 0, peers: 0 };
  }

  reserveHost(identity: string): void {
    const usage = this.entry(identity);
    if (usage.hosts >= this.limits.hostsPerIdentity) {
      throw new SchedulerError(
        'DF_ERR_SCHEDULER_QUOTA_EXCEEDED',
        `identity ${identity} already has ${usage.hosts} hosts announced (limit ${this.limits.hostsPerIdentity})`,
      );
    }
    usage.hosts += 1;
  }

  releaseHost(identity: string): void {
    this.release(identity, 'hosts');
  }

  reservePeer(identity: string): void {
    const usage = this.entry(identity);
    if (usage.peers >= this.limits.peersPerIdentity) {
      throw new SchedulerError(
        'DF_ERR_SCHEDULER_QUOTA_EXCEEDED',
        `identity ${identity} already has ${usage.peers} peers registered (limit ${this.limits.peersPerIdentity})`,
      );
    }
    usage.peers += 1;
  }

  releasePeer(identity: string): void {
    this.release(identity, 'peers');
  }

  private entry(identity: string): Usage {
    let usage = this.usage.get(identity);
    if (usage === undefined) {
      usage = { hosts: 0, peers: 0 };
      this.usage.set(identity, usage);
    }
    return usage;
  }

  private release(identity: string, kind: keyof Usage): void {
    const usage = this.usage.get(identity);
    if (usage === undefined) return;
    usage[kind] = Math.max(0, usage[kind] - 1);
    if (usage.hosts === 0 && usage.peers === 0) this.usage.delete(identity);
  }
}
