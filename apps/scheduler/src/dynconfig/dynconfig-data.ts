import type { manager } from '@d7y/rpc';

/** What the scheduler uses from the manager's GetScheduler answer (and keeps on disk). */
export interface DynconfigData {
  schedulerClusterId: number;
  /** Scheduler cluster config: parents per response (1–20) and peers sampled per round (1–1000). */
  candidateParentLimit?: number;
  filterParentLimit?: number;
  /** Client config load_limit: children a normal host serves at once. */
  loadLimit?: number;
  /** Seed client config load_limit: children a seed host serves at once. */
  seedLoadLimit?: number;
  /** The cluster's seed peers as the manager lists them. */
  seedPeers: DynconfigSeedPeer[];
  /** Applications with priorities (ListApplications); absent in caches written before they were kept. */
  applications?: DynconfigApplication[];
}

/** An application's priority (common.v2.Priority number 0–6); URL rules are checked first, in order. */
export interface DynconfigApplication {
  name: string;
  priority: number;
  urls: { regex: string; priority: number }[];
}

export interface DynconfigSeedPeer {
  hostname: string;
  ip: string;
  port: number;
  downloadPort: number;
  type: string;
  state: string;
}

/** GetScheduler answer → DynconfigData; values out of range or of the wrong type are left out (the local config applies). */
export function dynconfigFromScheduler(s: manager.Scheduler__Output): DynconfigData {
  const cluster = s.scheduler_cluster;
  const config = jsonObject(cluster?.config);
  const client = jsonObject(cluster?.client_config);
  const seedClient = jsonObject(cluster?.seed_client_config);
  const data: DynconfigData = {
    schedulerClusterId: Number(s.scheduler_cluster_id),
    seedPeers: s.seed_peers
      .map((p) => ({ hostname: p.hostname, ip: p.ip, port: p.port, downloadPort: p.download_port, type: p.type, state: p.state }))
      .sort((a, b) => (a.hostname === b.hostname ? a.ip.localeCompare(b.ip) : a.hostname.localeCompare(b.hostname))),
  };
  const candidate = intIn(config.candidate_parent_limit, 1, 20);
  const filter = intIn(config.filter_parent_limit, 1, 1000);
  const load = intIn(client.load_limit, 1, 100_000);
  const seedLoad = intIn(seedClient.load_limit, 1, 100_000);
  if (candidate !== undefined) data.candidateParentLimit = candidate;
  if (filter !== undefined) data.filterParentLimit = filter;
  if (load !== undefined) data.loadLimit = load;
  if (seedLoad !== undefined) data.seedLoadLimit = seedLoad;
  return data;
}

/** ListApplications answer → applications with numeric priorities (unknown levels → 0). */
export function applicationsFromManager(apps: readonly manager.Application__Output[]): DynconfigApplication[] {
  return apps
    .map((a) => ({
      name: a.name,
      priority: priorityNumber(a.priority?.value),
      urls: (a.priority?.urls ?? []).map((u) => ({ regex: u.regex, priority: priorityNumber(u.value) })),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function priorityNumber(level: string | undefined): number {
  const m = /^LEVEL([0-6])$/.exec(level ?? '');
  return m === null ? 0 : Number(m[1]);
}

/** Checks a DynconfigData read back from disk. */
export function parseDynconfigData(value: unknown): DynconfigData {
  const v = value as Record<string, unknown> | null;
  if (v === null || typeof v !== 'object' || typeof v.schedulerClusterId !== 'number' || !Array.isArray(v.seedPeers)) {
    throw new Error('expected {schedulerClusterId: number, seedPeers: [...]}');
  }
  const out: DynconfigData = { schedulerClusterId: v.schedulerClusterId, seedPeers: [] };
  for (const p of v.seedPeers as Record<string, unknown>[]) {
    if (typeof p !== 'object' || p === null || typeof p.hostname !== 'string' || typeof p.ip !== 'string' || typeof p.port !== 'number' || typeof p.downloadPort !== 'number') {
      throw new Error('a seed peer needs hostname, ip, port and downloadPort');
    }
    out.seedPeers.push({ hostname: p.hostname, ip: p.ip, port: p.port, downloadPort: p.downloadPort, type: String(p.type ?? ''), state: String(p.state ?? '') });
  }
  if (v.applications !== undefined) {
    if (!Array.isArray(v.applications)) throw new Error('applications must be a list');
    out.applications = (v.applications as Record<string, unknown>[]).map((a) => {
      const urls = a?.urls;
      if (typeof a?.name !== 'string' || intIn(a.priority, 0, 6) === undefined || !Array.isArray(urls)) throw new Error('an application needs name, priority 0–6 and urls');
      return {
        name: a.name,
        priority: a.priority as number,
        urls: (urls as Record<string, unknown>[]).map((u) => {
          if (typeof u?.regex !== 'string' || intIn(u.priority, 0, 6) === undefined) throw new Error('a URL priority needs regex and priority 0–6');
          return { regex: u.regex, priority: u.priority as number };
        }),
      };
    });
  }
  const limits: [keyof DynconfigData & ('candidateParentLimit' | 'filterParentLimit' | 'loadLimit' | 'seedLoadLimit'), number, number][] = [
    ['candidateParentLimit', 1, 20],
    ['filterParentLimit', 1, 1000],
    ['loadLimit', 1, 100_000],
    ['seedLoadLimit', 1, 100_000],
  ];
  for (const [key, min, max] of limits) {
    if (v[key] === undefined) continue;
    const n = intIn(v[key], min, max);
    if (n === undefined) throw new Error(`${key} must be an integer in ${min}–${max}`);
    out[key] = n;
  }
  return out;
}

function jsonObject(bytes: Buffer | undefined): Record<string, unknown> {
  if (bytes === undefined || bytes.length === 0) return {};
  try {
    const v: unknown = JSON.parse(bytes.toString('utf8'));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function intIn(v: unknown, min: number, max: number): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? v : undefined;
}
