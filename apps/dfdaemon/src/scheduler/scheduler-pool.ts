import type * as grpc from '@grpc/grpc-js';
import { ConsistentHash } from '@d7y/core';
import { createSchedulerClient, type scheduler } from '@d7y/rpc';

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
  private readonly endpoints: SchedulerEndpoint[];
  private readonly ring: ConsistentHash<SchedulerEndpoint>;

  constructor(deps: SchedulerPoolDeps) {
    const unique = [...new Set(deps.addrs)];
    this.endpoints = unique.map((addr) => ({ addr, client: createSchedulerClient(addr, deps.credentials) }));
    this.ring = new ConsistentHash(this.endpoints, (e) => e.addr);
  }

  get size(): number {
    return this.endpoints.length;
  }

  all(): readonly SchedulerEndpoint[] {
    return this.endpoints;
  }

  pick(taskId: string): SchedulerEndpoint | undefined {
    return this.ring.pick(taskId);
  }

  close(): void {
    for (const e of this.endpoints) e.client.close();
  }
}
