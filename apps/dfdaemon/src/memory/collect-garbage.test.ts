import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { garbageCollector } from './collect-garbage.js';

describe('garbageCollector', () => {
  it('runs one collection for calls close together, and at most one per interval', async () => {
    const runs: number[] = [];
    const t0 = Date.now();
    const collect = garbageCollector({ coalesceMs: 20, minIntervalMs: 300, collect: () => runs.push(Date.now() - t0) });
    collect();
    collect();
    await sleep(100);
    expect(runs).toHaveLength(1);
    collect(); // ~100 ms after the first run: waits for the interval
    await sleep(100);
    expect(runs).toHaveLength(1);
    await sleep(250);
    expect(runs).toHaveLength(2);
    expect((runs[1] as number) - (runs[0] as number)).toBeGreaterThanOrEqual(290);
  });
});
