import { peerId as makePeerId } from '@d7y/core';
import { describe, expect, it } from 'vitest';
import { isSchedulerError } from '../errors.js';
import { addHost, download, makeWorld, taskIdOf } from '../resource/resource.fixture.js';
import { SeedPeer, type SeedPeerClient } from '../resource/seed-peer.js';
import { DefaultEvaluator } from '../scheduling/evaluator/default-evaluator.js';
import { Scheduling } from '../scheduling/scheduling.js';
import { callerOf } from '../service/caller.js';
import { PeerAnnouncer } from '../service/peer-announcer.js';
import { ApplicationPriorities } from './application-priorities.js';
import { applicationsFromManager } from './dynconfig-data.js';

const PIECE = 4 * 1024 * 1024;

describe('ApplicationPriorities', () => {
  const world = makeWorld();
  const priorities = new ApplicationPriorities({ logger: world.logger });
  priorities.set(
    applicationsFromManager([
      { id: 1, name: 'images', url: '', bio: '', priority: { value: 'LEVEL5', urls: [{ regex: '^https://cdn\\.example/', value: 'LEVEL3' }, { regex: '([', value: 'LEVEL1' }, { regex: 'x'.repeat(2000), value: 'LEVEL1' }] } },
      { id: 2, name: 'plain', url: '', bio: '', priority: null },
    ]),
  );

  it('gives a LEVEL0 download its application priority, URL rules first; invalid or oversized rules are skipped', () => {
    expect(priorities.priorityOf({ priority: 0, application: 'images', url: 'https://cdn.example/a' })).toBe(3);
    expect(priorities.priorityOf({ priority: 0, application: 'images', url: 'https://other.example/a' })).toBe(5);
    expect(priorities.priorityOf({ priority: 0, application: 'plain', url: 'https://x' })).toBe(0);
    expect(priorities.priorityOf({ priority: 0, application: 'unknown', url: 'https://x' })).toBe(0);
    expect(priorities.priorityOf({ priority: 0, url: 'https://cdn.example/a' })).toBe(0);
  });

  it("keeps a download's own non-zero priority", () => {
    expect(priorities.priorityOf({ priority: 6, application: 'images', url: 'https://cdn.example/a' })).toBe(6);
  });

  it('is used by the PeerAnnouncer: an application at LEVEL1 forbids first downloads', async () => {
    const w = makeWorld();
    const apps = new ApplicationPriorities({ logger: w.logger });
    apps.set([{ name: 'forbidden', priority: 1, urls: [] }]);
    const seedClient: SeedPeerClient = { downloadTask: () => new Promise(() => undefined), checkHealth: async () => true, forget: () => undefined } as unknown as SeedPeerClient;
    const scheduling = new Scheduling({
      config: { retryLimit: 5, retryBackToSourceLimit: 4, retryIntervalMs: 100, candidateParentLimit: 3, filterParentLimit: 15 },
      evaluator: new DefaultEvaluator(),
      logger: w.logger,
      sleep: async () => undefined,
      random: () => 0.5,
    });
    const seedPeer = new SeedPeer({ resource: w.resource, client: seedClient, config: { healthCheckIntervalMs: 30_000, failedTimeoutMs: 60_000, taskDownloadTimeoutMs: 60_000 }, logger: w.logger, now: w.clock.now });
    const announcer = new PeerAnnouncer({
      resource: w.resource,
      scheduling,
      seedPeer,
      config: { backToSourceCount: 200, defaultConcurrentPieceCount: 8, registerDelayBaseMs: 30, registerDelayMaxMs: 1000 },
      logger: w.logger,
      sleep: async () => undefined,
      random: () => 0.5,
      priorityOf: (d) => apps.priorityOf(d),
    });
    const host = addHost(w, { hostname: 'h' });
    const register = (application: string) => {
      const d = download({ application, actualContentLength: 10 * PIECE, actualPieceLength: PIECE, actualPieceCount: 10 });
      const ids = { hostId: host.id, taskId: taskIdOf(d), peerId: makePeerId(host.hostname, host.ip, false) };
      return announcer.register(ids, d, callerOf('dfdaemon', 'h')).then(
        () => undefined,
        (e: unknown) => e,
      );
    };
    expect(isSchedulerError(await register('forbidden'), 'DF_ERR_SCHEDULER_DOWNLOAD_FORBIDDEN')).toBe(true);
    expect(await register('other')).toBeUndefined();
  });
});
