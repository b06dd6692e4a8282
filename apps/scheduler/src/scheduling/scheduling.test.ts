import { describe, expect, it } from 'vitest';
import { isSchedulerError } from '../errors.js';
import type { Host } from '../resource/host.js';
import { addHost, addPeer, addTask, makeWorld, type World } from '../resource/resource.fixture.js';
import type { Task } from '../resource/task.js';
import { CancelToken } from './cancel-token.js';
import { DefaultEvaluator } from './evaluator/default-evaluator.js';
import { Scheduling, type SchedulingConfig } from './scheduling.js';

const CONFIG: SchedulingConfig = { retryLimit: 5, retryBackToSourceLimit: 4, retryIntervalMs: 500, candidateParentLimit: 3, filterParentLimit: 15 };

function setup(config: Partial<SchedulingConfig> = {}, random = (): number => 0.5) {
  const world = makeWorld();
  const delays: number[] = [];
  const onSleep: Array<() => void> = [];
  const scheduling = new Scheduling({
    config: { ...CONFIG, ...config },
    evaluator: new DefaultEvaluator(),
    logger: world.logger,
    random,
    sleep: async (ms) => {
      delays.push(ms);
      world.clock.advance(ms);
      onSleep.shift()?.();
    },
  });
  const task = addTask(world);
  const child = addPeer(world, task, addHost(world, { hostname: 'child' }), 'ReceivedNormal');
  return { world, scheduling, task, child, delays, onSleep };
}

function parentOn(world: World, task: Task, hostname: string, state: Parameters<typeof addPeer>[3], host?: Host) {
  return addPeer(world, task, host ?? addHost(world, { hostname }), state);
}

describe('Scheduling.scheduleCandidateParents', () => {
  it('hands out the available parents at once and records the edges', async () => {
    const { world, scheduling, task, child, delays } = setup();
    const a = parentOn(world, task, 'a', 'BackToSource');
    const b = parentOn(world, task, 'b', 'Succeeded');
    const result = await scheduling.scheduleCandidateParents(child);
    expect(result.kind).toBe('normal');
    expect(result.kind === 'normal' && result.parents.map((p) => p.id).sort()).toEqual([a.id, b.id].sort());
    expect(task.parentsOf(child.id).map((p) => p.id).sort()).toEqual([a.id, b.id].sort());
    expect(delays).toEqual([]);
  });

  it('finds the one serving parent among hundreds of peers that just registered (flash crowd)', async () => {
    let seed = 42;
    const random = (): number => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const { world, scheduling, task, child, delays } = setup({}, random);
    for (let i = 0; i < 300; i++) parentOn(world, task, `new-${i}`, 'ReceivedNormal');
    const source = parentOn(world, task, 'source', 'BackToSource');
    expect(task.servingPeerCount).toBe(1);
    // A sample of 15 among all 302 peers would miss it ~95 % of the time and wait a round.
    const result = await scheduling.scheduleCandidateParents(child);
    expect(result.kind === 'normal' && result.parents.map((p) => p.id)).toEqual([source.id]);
    expect(delays).toEqual([]);
  });

  it('samples only peers in a serving state, following their state changes', () => {
    const { world, task } = setup();
    const a = parentOn(world, task, 'a', 'ReceivedNormal');
    expect(task.servingPeerCount).toBe(0);
    a.fsm.fire('Download');
    expect(task.randomServingPeers(15)).toEqual([a]);
    a.fsm.fire('DownloadSucceeded');
    expect(task.servingPeerCount).toBe(1);
    a.fsm.fire('Leave');
    expect(task.servingPeerCount).toBe(0);
    const b = parentOn(world, task, 'b', 'Running');
    expect(task.randomServingPeers(15)).toEqual([b]);
    task.deletePeer(b.id);
    expect(task.servingPeerCount).toBe(0);
  });

  it('answers NeedBackToSource at once for a peer that needs it', async () => {
    const { world, scheduling, task, child } = setup();
    parentOn(world, task, 'a', 'Succeeded');
    child.needBackToSource = true;
    expect(await scheduling.scheduleCandidateParents(child)).toEqual({ kind: 'needBackToSource', description: 'peer needs back-to-source' });
  });

  it('retries retryBackToSourceLimit rounds with jittered waits, then sends the peer to the source', async () => {
    const { scheduling, child, delays } = setup({}, () => 0);
    const result = await scheduling.scheduleCandidateParents(child);
    expect(result).toEqual({ kind: 'needBackToSource', description: 'scheduling exceeded RetryBackToSourceLimit' });
    expect(delays).toEqual([375, 375, 375, 375]); // 500 ms · (0.75 + 0.5·0)
  });

  it('finds a parent that appears while it waits', async () => {
    const { world, scheduling, task, child, delays, onSleep } = setup();
    let parentId = '';
    onSleep.push(() => undefined, () => (parentId = parentOn(world, task, 'late', 'BackToSource').id));
    const result = await scheduling.scheduleCandidateParents(child);
    expect(result.kind === 'normal' && result.parents.map((p) => p.id)).toEqual([parentId]);
    expect(delays).toHaveLength(2);
  });

  it('waits for a triggered seed peer beyond retryBackToSourceLimit and hands it out before it has a piece', async () => {
    const { world, scheduling, task, child, delays, onSleep } = setup({}, () => 0);
    task.seedPeerTriggered = true;
    let seedId = '';
    // The seed registers and goes to the source only after 6 rounds (2.25 s), more than the 4 that count.
    for (let i = 0; i < 5; i++) onSleep.push(() => undefined);
    onSleep.push(() => (seedId = addPeer(world, task, addHost(world, { hostname: 'seed', type: 'super' }), 'BackToSource').id));
    const result = await scheduling.scheduleCandidateParents(child);
    expect(result.kind === 'normal' && result.parents.map((p) => p.id)).toEqual([seedId]);
    expect(delays).toHaveLength(6);
  });

  it('waits for a triggered seed peer at most seedPeerWaitMs, then counts rounds again', async () => {
    const { scheduling, task, child, delays } = setup({ seedPeerWaitMs: 1000 }, () => 0);
    task.seedPeerTriggered = true;
    const result = await scheduling.scheduleCandidateParents(child);
    expect(result).toEqual({ kind: 'needBackToSource', description: 'scheduling exceeded RetryBackToSourceLimit' });
    // 375 ms rounds: 3 uncounted (1125 ms ≥ 1000 ms waited), then the 4 counted ones.
    expect(delays).toEqual([375, 375, 375, 375, 375, 375, 375]);
  });

  it('fails with "scheduling exceeded RetryLimit" when the task may not go to the source', async () => {
    const { world, scheduling, task, child, delays } = setup();
    // backToSourceCount reached: the only back-to-source peer is blocked for this child.
    const blocked = parentOn(world, task, 'blocked', 'BackToSource');
    (task as { backToSourceLimit: number }).backToSourceLimit = 1;
    child.blockParent(blocked.id);
    const err = await scheduling.scheduleCandidateParents(child).catch((e: unknown) => e);
    expect(isSchedulerError(err, 'DF_ERR_SCHEDULER_RETRY_LIMIT_EXCEEDED')).toBe(true);
    expect((err as Error).message).toBe('scheduling exceeded RetryLimit');
    expect(delays).toHaveLength(5);
  });

  it('never sends a peer that disabled back-to-source to the source', async () => {
    const { scheduling, child } = setup();
    (child as { disableBackToSource: boolean }).disableBackToSource = true;
    child.needBackToSource = true;
    await expect(scheduling.scheduleCandidateParents(child)).rejects.toThrow('RetryLimit');
  });

  it('stops when the stream is aborted', async () => {
    const { scheduling, child } = setup();
    const cancel = new CancelToken();
    cancel.cancel();
    const err = await scheduling.scheduleCandidateParents(child, cancel).catch((e: unknown) => e);
    expect(isSchedulerError(err, 'DF_ERR_SCHEDULER_CANCELLED')).toBe(true);
  });

  it('wakes from a real retry wait when the stream is cancelled', async () => {
    const world = makeWorld();
    const scheduling = new Scheduling({ config: { ...CONFIG, retryIntervalMs: 60_000 }, evaluator: new DefaultEvaluator(), logger: world.logger });
    const child = addPeer(world, addTask(world), addHost(world, { hostname: 'child' }), 'ReceivedNormal');
    const cancel = new CancelToken();
    const result = scheduling.scheduleCandidateParents(child, cancel).catch((e: unknown) => e);
    cancel.cancel();
    expect(isSchedulerError(await result, 'DF_ERR_SCHEDULER_CANCELLED')).toBe(true);
  });

  it('jitters the retry interval within ±25 %', () => {
    expect(setup({}, () => 0).scheduling.retryDelayMs()).toBe(375);
    expect(setup({}, () => 0.999999).scheduling.retryDelayMs()).toBeCloseTo(625, 2);
  });
});

describe('Scheduling.findCandidateParents', () => {
  it.each([
    { name: 'a back-to-source normal peer', state: 'BackToSource', opts: {}, picked: true },
    { name: 'a succeeded normal peer', state: 'Succeeded', opts: {}, picked: true },
    { name: 'a running normal peer without a parent of its own', state: 'Running', opts: {}, picked: false },
    { name: 'a running seed peer', state: 'Running', opts: { type: 'super' }, picked: true },
    { name: 'a peer that is only registered', state: 'ReceivedNormal', opts: {}, picked: false },
    { name: 'a failed peer', state: 'Failed', opts: {}, picked: false },
    { name: 'a host that disabled sharing', state: 'Succeeded', opts: { disableShared: true }, picked: false },
  ] as const)('$name → $picked', ({ state, opts, picked }) => {
    const { world, scheduling, task, child } = setup();
    const parent = addPeer(world, task, addHost(world, { hostname: 'p', ...opts }), state);
    expect(scheduling.findCandidateParents(child).map((p) => p.id)).toEqual(picked ? [parent.id] : []);
  });

  it('takes a running normal peer once it has a parent itself', () => {
    const { world, scheduling, task, child } = setup();
    const root = parentOn(world, task, 'root', 'BackToSource');
    const middle = parentOn(world, task, 'middle', 'Running');
    task.addPeerEdge(root, middle);
    expect(scheduling.findCandidateParents(child).map((p) => p.id).sort()).toEqual([root.id, middle.id].sort());
  });

  it('skips blocked parents, its own host, hosts whose uploads fail and full hosts', () => {
    const { world, scheduling, task, child } = setup();
    const blocked = parentOn(world, task, 'blocked', 'Succeeded');
    child.blockParent(blocked.id);
    parentOn(world, task, 'same-host', 'Succeeded', child.host);
    const failing = parentOn(world, task, 'failing', 'Succeeded');
    for (let i = 0; i < 3; i++) failing.host.recordUploadFailed();
    const full = parentOn(world, task, 'full', 'Succeeded');
    full.host.concurrentUploadLimit = 0;
    const good = parentOn(world, task, 'good', 'Succeeded');
    expect(scheduling.findCandidateParents(child).map((p) => p.id)).toEqual([good.id]);
  });

  it('never picks a descendant (no cycles) and keeps the best candidateParentLimit', () => {
    const { world, scheduling, task, child } = setup({ candidateParentLimit: 2 });
    const grandchild = parentOn(world, task, 'grandchild', 'Succeeded');
    task.addPeerEdge(child, grandchild);
    const near = addPeer(world, task, addHost(world, { hostname: 'near', idc: 'x' }), 'Succeeded');
    child.host.info = { ...child.host.info, network: { ...(child.host.info.network as NonNullable<typeof child.host.info.network>), idc: 'x' } };
    parentOn(world, task, 'far1', 'Succeeded');
    parentOn(world, task, 'far2', 'Succeeded');
    const picked = scheduling.findCandidateParents(child);
    expect(picked).toHaveLength(2);
    expect(picked[0]?.id).toBe(near.id);
    expect(picked.map((p) => p.id)).not.toContain(grandchild.id);
  });

  it('looks only at filterParentLimit sampled peers', () => {
    const { world, scheduling, task, child } = setup({ filterParentLimit: 4, candidateParentLimit: 20 });
    for (let i = 0; i < 30; i++) parentOn(world, task, `p${i}`, 'Succeeded');
    expect(scheduling.findCandidateParents(child).length).toBeLessThanOrEqual(4);
  });
});
