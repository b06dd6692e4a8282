import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DfdaemonMetrics } from '../../../apps/dfdaemon/src/metrics/dfdaemon-metrics.js';
import { ManagerMetrics } from '../../../apps/manager/src/metrics/manager-metrics.js';
import { MetricsServer } from '../../../apps/scheduler/src/metrics/metrics-server.js';
import { SchedulerMetrics } from '../../../apps/scheduler/src/metrics/scheduler-metrics.js';
import { makeWorld } from '../../../apps/scheduler/src/resource/resource.fixture.js';

const DASHBOARD = fileURLToPath(new URL('../../../deploy/grafana/dragonfly-dashboard.json', import.meta.url));

describe('Grafana dashboard', () => {
  it('only queries metrics the services export', () => {
    const text = readFileSync(DASHBOARD, 'utf8');
    JSON.parse(text);
    const scheduler = new SchedulerMetrics();
    const world = makeWorld();
    new MetricsServer({ resource: world.resource, addr: '127.0.0.1:0', logger: world.logger, registry: scheduler.registry });
    const exported = new Set(
      [new DfdaemonMetrics().registry, scheduler.registry, new ManagerMetrics().registry].flatMap((r) => r.getMetricsAsArray().map((m) => m.name)),
    );
    const used = new Set([...text.matchAll(/dragonfly_(?:dfdaemon|scheduler|manager)_[a-z_]+/g)].map((m) => m[0].replace(/_(bucket|count|sum)$/, '')));
    expect(used.size).toBeGreaterThan(20);
    expect([...used].filter((name) => !exported.has(name))).toEqual([]);
    // the regex panels (all services at once) must match at least one exported name each
    const patterns = [...text.matchAll(/__name__=~\\"(dragonfly_[^"\\]+)\\"/g)];
    expect(patterns.length).toBeGreaterThanOrEqual(5);
    for (const pattern of patterns) {
      const re = new RegExp(`^${pattern[1] as string}$`);
      const base = (pattern[1] as string).replace(/_bucket$/, '');
      expect([...exported].some((n) => re.test(n) || new RegExp(`^${base}$`).test(n)), pattern[1]).toBe(true);
    }
  });
});
