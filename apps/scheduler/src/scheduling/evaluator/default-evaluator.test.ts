import { describe, expect, it } from 'vitest';
import { addHost, addPeer, addTask, hostInfo, makeWorld } from '../../resource/resource.fixture.js';
import {
  DefaultEvaluator,
  bandwidthDuration,
  concurrency,
  hostTypeScore,
  idcAffinity,
  loadQuality,
  locationAffinity,
  parentScore,
  peakBandwidthUsage,
  type LoadInput,
} from './default-evaluator.js';

const GBIT = 1_000_000_000;
const idle: LoadInput = { maxTxBandwidth: 10 * GBIT, txBandwidth: 0, uploadContentLength: 0, concurrentUploadPieceCount: 0 };
// 10 Gbit/s sustains 10e9 / (16 MiB·8) ≈ 74.5 pieces of 16 MiB per second.
const NEEDED_AT_10G = (10 * GBIT) / (16 * 1024 * 1024 * 8);

describe('default evaluator sub-scores', () => {
  it.each([
    { name: 'idle', load: idle, expected: 1 },
    { name: 'half used', load: { ...idle, txBandwidth: 5 * GBIT }, expected: 0.5 },
    { name: 'over-subscribed', load: { ...idle, txBandwidth: 20 * GBIT }, expected: 0 },
    { name: 'unknown max', load: { ...idle, maxTxBandwidth: 0 }, expected: 0 },
  ])('peakBandwidthUsage $name = $expected', ({ load, expected }) => {
    expect(peakBandwidthUsage(load)).toBeCloseTo(expected, 9);
  });

  it.each([
    { name: 'nothing queued', load: idle, expected: 1 },
    // 37.5 GB at 10 Gbit/s = 30 s of a 60 s window.
    { name: '30 s queued', load: { ...idle, uploadContentLength: 37.5e9 }, expected: 0.5 },
    { name: 'over a minute queued', load: { ...idle, uploadContentLength: 100e9 }, expected: 0 },
    { name: 'unknown max with a queue', load: { ...idle, maxTxBandwidth: 0, uploadContentLength: 1 }, expected: 0 },
  ])('bandwidthDuration $name = $expected', ({ load, expected }) => {
    expect(bandwidthDuration(load)).toBeCloseTo(expected, 9);
  });

  it.each([
    { name: 'link too slow for one piece/s', load: { ...idle, maxTxBandwidth: 100_000_000 }, expected: 0 },
    { name: 'no concurrent pieces', load: idle, expected: 1 },
    { name: 'under capacity', load: { ...idle, concurrentUploadPieceCount: 70 }, expected: 1 },
    { name: 'twice the capacity', load: { ...idle, concurrentUploadPieceCount: 2 * NEEDED_AT_10G }, expected: 0.5 },
  ])('concurrency $name = $expected', ({ load, expected }) => {
    expect(concurrency(load)).toBeCloseTo(expected, 9);
  });

  it('loadQuality = 0.5·peak + 0.3·duration + 0.2·concurrency', () => {
    const load = { ...idle, txBandwidth: 5 * GBIT, uploadContentLength: 37.5e9, concurrentUploadPieceCount: 2 * NEEDED_AT_10G };
    expect(loadQuality(load)).toBeCloseTo(0.5 * 0.5 + 0.3 * 0.5 + 0.2 * 0.5, 9);
    expect(loadQuality(idle)).toBeCloseTo(1, 9);
  });

  it.each([
    { parent: 'idc-a', child: 'IDC-A', expected: 1 },
    { parent: 'idc-a', child: 'idc-b', expected: 0 },
    { parent: '', child: '', expected: 0 },
    { parent: 'idc-a', child: '', expected: 0 },
  ])('idcAffinity($parent, $child) = $expected', ({ parent, child, expected }) => {
    expect(idcAffinity(parent, child)).toBe(expected);
  });

  it.each([
    { parent: 'cn|zj|hz', child: 'cn|zj|hz', expected: 1 },
    { parent: 'cn|zj|hz', child: 'cn|zj|nb', expected: 0.4 },
    { parent: 'cn|zj|hz', child: 'cn|js|nj', expected: 0.2 },
    { parent: 'cn|zj', child: 'us|ca', expected: 0 },
    { parent: 'a|b|c|d|e|f', child: 'a|b|c|d|e|g', expected: 1 },
    { parent: '', child: 'cn', expected: 0 },
  ])('locationAffinity($parent, $child) = $expected', ({ parent, child, expected }) => {
    expect(locationAffinity(parent, child)).toBeCloseTo(expected, 9);
  });

  it.each([
    { type: 'normal', state: 'Running', expected: 0.5 },
    { type: 'normal', state: 'BackToSource', expected: 0.5 },
    { type: 'super', state: 'Running', expected: 1 },
    { type: 'super', state: 'ReceivedNormal', expected: 1 },
    { type: 'super', state: 'BackToSource', expected: 0 },
    { type: 'super', state: 'Succeeded', expected: 0 },
  ] as const)('hostTypeScore($type, $state) = $expected', ({ type, state, expected }) => {
    expect(hostTypeScore(type, state)).toBe(expected);
  });
});

describe('DefaultEvaluator', () => {
  it('scores parents with 0.6·load + 0.2·idc + 0.1·location + 0.1·hostType and sorts best first', () => {
    const world = makeWorld();
    const task = addTask(world);
    const child = addPeer(world, task, addHost(world, { hostname: 'child', idc: 'idc-a', location: 'cn|zj|hz' }), 'ReceivedNormal');
    // same IDC and location, idle: 0.6·1 + 0.2 + 0.1 + 0.05 = 0.95
    const near = addPeer(world, task, addHost(world, { hostname: 'near', idc: 'idc-a', location: 'cn|zj|hz' }), 'Running');
    // other IDC, half the location, idle: 0.6 + 0 + 0.04 + 0.05 = 0.69
    const far = addPeer(world, task, addHost(world, { hostname: 'far', idc: 'idc-b', location: 'cn|zj|nb' }), 'Running');
    // same IDC but its link is saturated (peak 0), queue empty: 0.6·(0.3+0.2) + 0.2 + 0.1 + 0.05 = 0.65
    const busy = addPeer(world, task, addHost(world, { hostname: 'busy', idc: 'idc-a', location: 'cn|zj|hz', txBandwidth: 10 * GBIT }), 'Running');
    const evaluator = new DefaultEvaluator();
    expect(evaluator.evaluateParents([busy, far, near], child).map((p) => p.host.hostname)).toEqual(['near', 'far', 'busy']);
  });

  it('compares IDC and location without case, and follows a host that announces new ones', () => {
    const world = makeWorld();
    const task = addTask(world);
    const child = addPeer(world, task, addHost(world, { hostname: 'child', idc: 'IDC-A', location: 'CN|ZJ|HZ' }), 'ReceivedNormal');
    const parentHost = addHost(world, { hostname: 'parent', idc: 'idc-a', location: 'cn|zj|hz' });
    const parent = addPeer(world, task, parentHost, 'Running');
    // idle, same IDC and location: 0.6 + 0.2 + 0.1 + 0.05
    expect(parentScore(parent, child)).toBeCloseTo(0.95, 10);
    // AnnounceHost replaces the info object: the cached lower-case keys must follow it.
    parentHost.info = hostInfo({ hostname: 'parent', idc: 'idc-b', location: 'cn|zj|nb' });
    expect(parentScore(parent, child)).toBeCloseTo(0.6 + 0 + 0.04 + 0.05, 10);
  });

  it.each([
    { name: 'pending', state: 'Pending', costs: [], bad: true },
    { name: 'received, not started', state: 'ReceivedNormal', costs: [], bad: true },
    { name: 'failed', state: 'Failed', costs: [], bad: true },
    { name: 'running, no samples', state: 'Running', costs: [], bad: false },
    { name: 'one sample', state: 'Running', costs: [1000], bad: false },
    { name: 'steady', state: 'Running', costs: [10, 12, 11, 13], bad: false },
    { name: 'last 20× the mean', state: 'Running', costs: [10, 10, 10, 201], bad: true },
    { name: 'last just under 20×', state: 'Running', costs: [10, 10, 10, 199], bad: false },
    { name: 'back-to-source, steady', state: 'BackToSource', costs: [5, 6], bad: false },
  ] as const)('isBadParent: $name → $bad', ({ state, costs, bad }) => {
    const world = makeWorld();
    const peer = addPeer(world, addTask(world), addHost(world, { hostname: 'p' }), state);
    for (const cost of costs) peer.pieceCosts.add(cost);
    expect(new DefaultEvaluator().isBadParent(peer)).toBe(bad);
  });

  it('switches to mean + 3σ once 2000 samples exist', () => {
    const world = makeWorld();
    const peer = addPeer(world, addTask(world), addHost(world, { hostname: 'p' }), 'Running');
    for (let i = 0; i < 2000; i++) peer.pieceCosts.add(i % 2 === 0 ? 9 : 11); // mean 10, σ 1
    peer.pieceCosts.add(14);
    expect(new DefaultEvaluator().isBadParent(peer)).toBe(true);
    peer.pieceCosts.add(12.5);
    expect(new DefaultEvaluator().isBadParent(peer)).toBe(false);
  });
});
