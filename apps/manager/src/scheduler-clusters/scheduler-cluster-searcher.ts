import { BlockList, isIP } from 'node:net';
import type { SchedulerCluster } from './scheduler-cluster-repository.js';

// Picks the scheduler clusters that serve a peer, best first (upstream internals §4.4):
//   score = 0.3·CIDR + 0.3·hostname + 0.25·IDC + 0.14·location + 0.01·isDefault
// CIDR: 1 if the peer IP is in one of scopes.cidrs; hostname: 1 if one of scopes.hostnames (regular
// expressions) matches; IDC: 1 if the peer IDC equals one of the `|`-separated scopes.idc values;
// location: the number of leading `|` elements both share, over 5 (1 when they are equal).

export const SEARCH_WEIGHTS = { cidr: 0.3, hostname: 0.3, idc: 0.25, location: 0.14, isDefault: 0.01 } as const;
/** Location elements compared at most ("country|province|city|zone|rack"). */
export const MAX_LOCATION_ELEMENTS = 5;

export interface PeerPlace {
  hostname: string;
  ip: string;
  idc?: string | undefined;
  location?: string | undefined;
}

export function cidrScore(ip: string, cidrs: readonly string[] | undefined): number {
  const family = isIP(ip);
  if (family === 0 || cidrs === undefined || cidrs.length === 0) return 0;
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [addr, bits] = cidr.split('/');
    const cidrFamily = isIP(addr ?? '');
    if (cidrFamily === 0 || bits === undefined) continue;
    list.addSubnet(addr ?? '', Number(bits), cidrFamily === 6 ? 'ipv6' : 'ipv4');
  }
  return list.check(ip, family === 6 ? 'ipv6' : 'ipv4') ? 1 : 0;
}

export function hostnameScore(hostname: string, patterns: readonly string[] | undefined): number {
  if (hostname === '' || patterns === undefined) return 0;
  for (const pattern of patterns) {
    try {
      if (new RegExp(pattern).test(hostname)) return 1;
    } catch {
      // Patterns are checked when a cluster is saved; an old bad one just never matches.
    }
  }
  return 0;
}

export function idcScore(idc: string | undefined, clusterIdc: string | undefined): number {
  if (idc === undefined || idc === '' || clusterIdc === undefined || clusterIdc === '') return 0;
  return clusterIdc.split('|').some((v) => v.trim() === idc) ? 1 : 0;
}

export function locationScore(location: string | undefined, clusterLocation: string | undefined): number {
  if (location === undefined || location === '' || clusterLocation === undefined || clusterLocation === '') return 0;
  if (location === clusterLocation) return 1;
  const a = location.split('|');
  const b = clusterLocation.split('|');
  let shared = 0;
  for (let i = 0; i < Math.min(a.length, b.length, MAX_LOCATION_ELEMENTS); i++) {
    if (a[i] !== b[i]) break;
    shared++;
  }
  return shared / MAX_LOCATION_ELEMENTS;
}

export function clusterScore(peer: PeerPlace, cluster: SchedulerCluster): number {
  const s = cluster.scopes;
  return (
    SEARCH_WEIGHTS.cidr * cidrScore(peer.ip, s.cidrs) +
    SEARCH_WEIGHTS.hostname * hostnameScore(peer.hostname, s.hostnames) +
    SEARCH_WEIGHTS.idc * idcScore(peer.idc, s.idc) +
    SEARCH_WEIGHTS.location * locationScore(peer.location, s.location) +
    SEARCH_WEIGHTS.isDefault * (cluster.is_default ? 1 : 0)
  );
}

/** Clusters sorted by score, best first; ties keep the lower id first. */
export function rankClusters(peer: PeerPlace, clusters: readonly SchedulerCluster[]): SchedulerCluster[] {
  return clusters
    .map((cluster) => ({ cluster, score: clusterScore(peer, cluster) }))
    .sort((x, y) => y.score - x.score || x.cluster.id - y.cluster.id)
    .map((x) => x.cluster);
}
