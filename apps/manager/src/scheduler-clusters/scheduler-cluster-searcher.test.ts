import { describe, expect, it } from 'vitest';
import type { SchedulerCluster, SchedulerClusterScopes } from './scheduler-cluster-repository.js';
import { cidrScore, clusterScore, hostnameScore, idcScore, locationScore, rankClusters } from './scheduler-cluster-searcher.js';

const cluster = (id: number, scopes: SchedulerClusterScopes, isDefault = false): SchedulerCluster => ({
  id,
  name: `c${id}`,
  bio: '',
  config: { candidate_parent_limit: 4, filter_parent_limit: 15, job_rate_limit: 10 },
  client_config: { load_limit: 200 },
  seed_client_config: {},
  scopes,
  is_default: isDefault,
  seed_peer_cluster_ids: [],
  created_at: '',
  updated_at: '',
});

describe('scheduler cluster searcher', () => {
  it.each([
    ['10.1.2.3', ['10.0.0.0/8'], 1],
    ['10.1.2.3', ['192.168.0.0/16', '10.1.2.0/24'], 1],
    ['11.1.2.3', ['10.0.0.0/8'], 0],
    ['fd00::5', ['fd00::/8'], 1],
    ['10.1.2.3', ['fd00::/8'], 0],
    ['not-an-ip', ['10.0.0.0/8'], 0],
    ['10.1.2.3', [], 0],
  ])('CIDR: %s in %j → %d', (ip, cidrs, expected) => expect(cidrScore(ip, cidrs)).toBe(expected));

  it('hostname: any regular expression that matches', () => {
    expect(hostnameScore('node-12', ['^gpu-', '^node-[0-9]+$'])).toBe(1);
    expect(hostnameScore('node-x', ['^node-[0-9]+$'])).toBe(0);
    expect(hostnameScore('node-1', ['(('])).toBe(0);
  });

  it('IDC: one of the |-separated values', () => {
    expect(idcScore('idc-b', 'idc-a|idc-b')).toBe(1);
    expect(idcScore('idc-c', 'idc-a|idc-b')).toBe(0);
    expect(idcScore('', 'idc-a')).toBe(0);
  });

  it('location: shared leading elements over 5', () => {
    expect(locationScore('cn|zj|hz', 'cn|zj|hz')).toBe(1);
    expect(locationScore('cn|zj|hz', 'cn|zj|nb')).toBeCloseTo(2 / 5);
    expect(locationScore('cn|zj', 'us|ca')).toBe(0);
    expect(locationScore('a|b|c|d|e|f', 'a|b|c|d|e|g')).toBe(1);
  });

  it('weights: 0.3 CIDR + 0.3 hostname + 0.25 IDC + 0.14 location + 0.01 default', () => {
    const peer = { hostname: 'node-1', ip: '10.0.0.1', idc: 'idc-a', location: 'cn|zj|hz' };
    expect(clusterScore(peer, cluster(1, { cidrs: ['10.0.0.0/8'], hostnames: ['^node-'], idc: 'idc-a', location: 'cn|zj|hz' }, true))).toBeCloseTo(1);
    expect(clusterScore(peer, cluster(2, { location: 'cn|zj' }))).toBeCloseTo(0.14 * 0.4);
  });

  it('ranks: CIDR beats IDC + location, everything beats the default flag, ties by id', () => {
    const peer = { hostname: 'h', ip: '10.0.0.1', idc: 'idc-a', location: 'cn|zj|hz' };
    const ranked = rankClusters(peer, [
      cluster(1, {}, true),
      cluster(2, { idc: 'idc-a' }),
      cluster(3, { cidrs: ['10.0.0.0/24'] }),
      cluster(4, {}),
      cluster(5, { location: 'cn|zj|hz' }),
    ]);
    expect(ranked.map((c) => c.id)).toEqual([3, 2, 5, 1, 4]);
  });
});
