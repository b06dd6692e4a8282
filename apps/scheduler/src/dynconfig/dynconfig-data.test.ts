import { describe, expect, it } from 'vitest';
import { dynconfigFromScheduler, parseDynconfigData } from './dynconfig-data.js';

const scheduler = (config: string, client = '{}', seedClient = '') =>
  ({
    id: 1,
    hostname: 's',
    ip: '127.0.0.1',
    port: 8002,
    state: 'active',
    scheduler_cluster_id: 2,
    scheduler_cluster: { id: 2, name: 'c', bio: '', config: Buffer.from(config), client_config: Buffer.from(client), scopes: Buffer.alloc(0), seed_client_config: Buffer.from(seedClient) },
    seed_peers: [
      { id: 2, hostname: 'seed-b', type: 'super', ip: '10.0.0.2', port: 4000, download_port: 4005, state: 'active', seed_peer_cluster_id: 1, schedulers: [] },
      { id: 1, hostname: 'seed-a', type: 'super', ip: '10.0.0.1', port: 4000, download_port: 4005, state: 'inactive', seed_peer_cluster_id: 1, schedulers: [] },
    ],
    features: Buffer.from('["schedule"]'),
  }) as never;

describe('dynconfigFromScheduler', () => {
  it('reads the cluster limits, client load limits and seed peers (sorted)', () => {
    const d = dynconfigFromScheduler(scheduler('{"candidate_parent_limit":5,"filter_parent_limit":50}', '{"load_limit":300}', '{"load_limit":3000}'));
    expect(d).toEqual({
      schedulerClusterId: 2,
      candidateParentLimit: 5,
      filterParentLimit: 50,
      loadLimit: 300,
      seedLoadLimit: 3000,
      seedPeers: [
        { hostname: 'seed-a', ip: '10.0.0.1', port: 4000, downloadPort: 4005, type: 'super', state: 'inactive' },
        { hostname: 'seed-b', ip: '10.0.0.2', port: 4000, downloadPort: 4005, type: 'super', state: 'active' },
      ],
    });
  });

  it('leaves out values that are out of range, of the wrong type, or not JSON (the local config applies)', () => {
    expect(dynconfigFromScheduler(scheduler('{"candidate_parent_limit":21,"filter_parent_limit":"15"}', 'not json'))).toEqual({
      schedulerClusterId: 2,
      seedPeers: expect.any(Array),
    });
  });
});

describe('parseDynconfigData', () => {
  it('accepts what it wrote and refuses a tampered limit', () => {
    const d = dynconfigFromScheduler(scheduler('{"candidate_parent_limit":5,"filter_parent_limit":50}'));
    expect(parseDynconfigData(JSON.parse(JSON.stringify(d)))).toEqual(d);
    expect(() => parseDynconfigData({ ...d, candidateParentLimit: 1000 })).toThrow(/candidateParentLimit must be an integer in 1–20/);
    expect(() => parseDynconfigData({ seedPeers: [] })).toThrow(/schedulerClusterId/);
    expect(() => parseDynconfigData({ schedulerClusterId: 1, seedPeers: [{ hostname: 'x' }] })).toThrow(/seed peer/);
  });
});
