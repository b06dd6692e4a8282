import { FakeScheduler } from '../../../apps/dfdaemon/test/fixtures/fake-scheduler.js';
import { tlsSourceFromDir } from '../../../apps/dfdaemon/test/fixtures/tls.js';
import type { E2eCluster } from './cluster.js';
import { isBuilt } from './paths.js';

export interface SchedulerUnderTest {
  address: string;
  /** 'real' = the built apps/scheduler process; 'fake' = FakeScheduler in the test process. */
  kind: 'real' | 'fake';
  kill(): Promise<unknown>;
  fake?: FakeScheduler;
}

/**
 * The real scheduler when it is built; until then (or with D7Y_E2E_FAKE_SCHEDULER=1) the
 * FakeScheduler from the dfdaemon tests, in this process, with a `dfcert` scheduler identity.
 */
export async function startScheduler(cluster: E2eCluster): Promise<SchedulerUnderTest> {
  if (isBuilt('scheduler') && process.env.D7Y_E2E_FAKE_SCHEDULER === undefined) {
    const s = await cluster.scheduler('scheduler', {
      // Generous scheduling rounds (≈ 5 s) so a slow CI machine still sees the seed peer register
      // before a child is sent to the source.
      scheduler: { retryBackToSourceLimit: 10, retryLimit: 12 },
      seedPeer: { healthCheckInterval: '1s' },
    });
    return { address: s.address, kind: 'real', kill: () => s.kill() };
  }
  const tlsDir = await cluster.certs.issue('scheduler', 'scheduler');
  const fake = new FakeScheduler({ tls: tlsSourceFromDir(tlsDir) });
  await fake.start();
  cluster.onStop(async () => fake.kill());
  return { address: fake.address, kind: 'fake', fake, kill: async () => fake.kill() };
}
