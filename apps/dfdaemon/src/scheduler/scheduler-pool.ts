import type * as grpc from '@grpc/grpc-js';
import { ConsistentHash } from '@d7y/core';
import { checkHealth, createHealthClient, createSchedulerClient, type scheduler } from '@d7y/rpc';
import { tracingClientOptions } from '@d7y/telemetry';

/** grpc.health.v1 service name the scheduler reports. */
const SCHEDULER_SERVICE = 'scheduler.v2.Scheduler';

export interface SchedulerEndpoint {
  addr: string;
  client: scheduler.SchedulerClient;
}

export interface SchedulerPoolDeps {
  /** scheduler.addrs ("host:port"). */
  addrs: readonly string[];
  credentials: grpc.ChannelCredentials;
}

/**
 * One gRPC client per scheduler; the task ID picks the scheduler by consistent hashing so that
 * all peers of a task meet on the same one (it holds that task's state in memory).
 */
export class SchedulerPool {
  private readonly credentials: grpc.ChannelCredentials;
  private endpoints: SchedulerEndpoint[] = [];
  private ring: ConsistentHash<SchedulerEndpoint>;

  constructor(deps: SchedulerPoolDeps) {
    this.credentials = deps.credentials;
    this.ring = new ConsistentHash<SchedulerEndpoint>([], (e) => e.addr);
    this.setAddrs(deps.addrs);
  }

  get size(): number {
    return this.endpoints.length;
  }

  addrs(): string[] {
    return this.endpoints.map((e) => e.addr);
  }

  all(): readonly SchedulerEndpoint[] {
    return this.endpoints;
  }

  pick(taskId: string): SchedulerEndpoint | undefined {
    return this.ring.pick(taskId);
  }

  /**
   * Replaces the scheduler list (from the manager); keeps the clients of schedulers that stay,
   * closes the others. Returns the endpoints that are new.
   */
  setAddrs(addrs: readonly string[]): SchedulerEndpoint[] {
    const wanted = [...new Set(addrs)];
    const kept = new Map(this.endpoints.map((e) => [e.addr, e]));
    const added: SchedulerEndpoint[] = [];
    const next = wanted.map((addr) => {
      const have = kept.get(addr);
      if (have !== undefined) {
        kept.delete(addr);
        return have;
      }
      const e = { addr, client: createSchedulerClient(addr, this.credentials, tracingClientOptions()) };
      added.push(e);
      return e;
    });
    for (const gone of kept.values()) gone.client.close();
    this.endpoints = next;
    this.ring = new ConsistentHash(next, (e) => e.addr);
    return added;
  }

  close(): void {
    for (const e of this.endpoints) e.client.close();
  }

  /**
   * One grpc.health.v1 check of the scheduler service at `addr` (upstream's dynconfig keeps only
   * SERVING schedulers). A server that does not know the service name counts as serving.
   */
  async isServing(addr: string, timeoutMs: number): Promise<boolean> {
    const client = createHealthClient(addr, this.credentials);
    try {
      const s = await checkHealth(client, SCHEDULER_SERVICE, { timeoutMs });
      return s === 'SERVING' || s === 'SERVICE_UNKNOWN';
    } catch {
      return false;
    } finally {
      client.close();
    }
  }
}
