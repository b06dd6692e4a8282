import type { Logger } from '@d7y/logger';
import type { PeerRpc } from './peer-rpc.js';
import type { JobPeer, JobTargetRepository } from './job-target-repository.js';

/**
 * Where a job finds its peers: seed peers from the manager's database (they register through the
 * manager's gRPC), every peer from one active scheduler per cluster (ListHosts).
 */
export class PeerDirectory {
  private readonly targets: JobTargetRepository;
  private readonly rpc: PeerRpc;
  private readonly timeoutMs: number;

  constructor(deps: { targets: JobTargetRepository; rpc: PeerRpc; rpcTimeoutMs?: number }) {
    this.targets = deps.targets;
    this.rpc = deps.rpc;
    this.timeoutMs = deps.rpcTimeoutMs ?? 10_000;
  }

  seedPeers(clusterIds: readonly number[]): Promise<JobPeer[]> {
    return this.targets.seedPeers(clusterIds);
  }

  /** Every host the clusters' schedulers know, plus the seed peers; one entry per ip:port. */
  async allPeers(clusterIds: readonly number[], log: Logger): Promise<JobPeer[]> {
    const peers = new Map<string, JobPeer>();
    for (const p of await this.targets.seedPeers(clusterIds)) peers.set(`${p.ip}:${p.port}`, p);
    const schedulers = await this.targets.schedulers(clusterIds);
    const missing = clusterIds.filter((id) => !schedulers.some((s) => s.scheduler_cluster_id === id));
    if (missing.length > 0) log.warn({ clusterIds: missing }, 'no active scheduler in these clusters: only their seed peers are reached');
    for (const s of schedulers) {
      const hosts = await this.rpc.listHosts(s, this.timeoutMs).catch((err: unknown) => {
        throw new Error(`scheduler ${s.hostname} (${s.ip}:${s.port}) did not list its hosts: ${err instanceof Error ? err.message : String(err)}`);
      });
      for (const h of hosts) {
        if (h.ip === '' || h.port <= 0 || h.port > 65535) continue;
        const key = `${h.ip}:${h.port}`;
        if (!peers.has(key)) peers.set(key, { hostname: h.hostname, ip: h.ip, port: h.port, scheduler_cluster_id: s.scheduler_cluster_id });
      }
    }
    return [...peers.values()];
  }
}

/** Upstream's target selection: explicit `ips` > `count` > `percentage` > all. */
export function selectPeers<T extends { ip: string }>(peers: readonly T[], args: { ips?: string[] | undefined; count?: number | undefined; percentage?: number | undefined }): T[] {
  if (args.ips !== undefined && args.ips.length > 0) {
    const wanted = new Set(args.ips);
    return peers.filter((p) => wanted.has(p.ip));
  }
  if (args.count !== undefined) return peers.slice(0, args.count);
  if (args.percentage !== undefined) return peers.slice(0, Math.ceil((peers.length * args.percentage) / 100));
  return [...peers];
}

/** Runs `fn` over `items` with at most `limit` at once; never rejects (fn handles its errors). */
export async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}
