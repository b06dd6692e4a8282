import { hostId as makeHostId, peerId as makePeerId, taskId as makeTaskId } from '@d7y/core';
import { createLogger, type Logger } from '@d7y/logger';
import { IdentityQuota } from '../quota/identity-quota.js';
import type { Download } from './download.js';
import { Host, type HostInfo, type HostType } from './host.js';
import { Peer } from './peer.js';
import type { PeerState } from './peer-state.js';
import { Resource } from './resource.js';
import type { Task } from './task.js';

/** A mutable clock for tests (ms since epoch). */
export class TestClock {
  constructor(public ms = 1_700_000_000_000) {}
  now = (): number => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
}

export interface World {
  clock: TestClock;
  logger: Logger;
  quota: IdentityQuota;
  resource: Resource;
}

export function makeWorld(limits = { hostsPerIdentity: 1000, peersPerIdentity: 100_000 }): World {
  const clock = new TestClock();
  const logger = createLogger({ level: 'silent' });
  const quota = new IdentityQuota({ limits });
  const resource = new Resource({ quota, logger, maxTasks: 10_000, now: clock.now });
  return { clock, logger, quota, resource };
}

export function hostInfo(opts: {
  hostname: string;
  ip?: string;
  type?: HostType;
  idc?: string;
  location?: string;
  maxTxBandwidth?: number;
  txBandwidth?: number;
  disableShared?: boolean;
}): HostInfo {
  const ip = opts.ip ?? '10.0.0.1';
  const type = opts.type ?? 'normal';
  return {
    id: makeHostId(opts.hostname, ip, type !== 'normal'),
    type,
    hostname: opts.hostname,
    ip,
    port: 4000,
    downloadPort: 4005,
    os: 'linux',
    platform: 'debian',
    platformFamily: 'debian',
    platformVersion: '12',
    kernelVersion: '6.1',
    network: {
      tcpConnectionCount: 0,
      uploadTcpConnectionCount: 0,
      maxRxBandwidth: 10_000_000_000,
      maxTxBandwidth: opts.maxTxBandwidth ?? 10_000_000_000,
      ...(opts.txBandwidth !== undefined ? { txBandwidth: opts.txBandwidth } : {}),
      ...(opts.idc !== undefined ? { idc: opts.idc } : {}),
      ...(opts.location !== undefined ? { location: opts.location } : {}),
    },
    schedulerClusterId: 1,
    disableShared: opts.disableShared ?? false,
    proxyPort: 4001,
    name: opts.hostname,
  };
}

export function addHost(world: World, opts: Parameters<typeof hostInfo>[0]): Host {
  const info = hostInfo(opts);
  const host = new Host({
    info,
    owner: `dfdaemon:${opts.hostname}`,
    concurrentUploadLimit: info.type === 'normal' ? 200 : 2000,
    now: world.clock.now,
  });
  world.resource.addHost(host);
  return host;
}

export const TEST_URL = 'https://origin.example/file.bin';

export function download(overrides: Partial<Download> = {}): Download {
  return {
    url: TEST_URL,
    type: 'standard',
    priority: 0,
    filteredQueryParams: [],
    requestHeader: {},
    disableBackToSource: false,
    needBackToSource: false,
    prefetch: false,
    isPrefetch: false,
    needPieceContent: false,
    forceHardLink: false,
    overwrite: false,
    enableTaskIdBasedBlobDigest: false,
    metadataOnly: false,
    ...overrides,
  };
}

export function taskIdOf(d: Download): string {
  return makeTaskId({ url: d.url, tag: d.tag, application: d.application, pieceLength: d.pieceLength, filteredQueryParams: d.filteredQueryParams });
}

/** A task with 4 MiB pieces and `pieceCount` pieces. */
export function addTask(world: World, opts: { url?: string; pieceCount?: number; backToSourceLimit?: number } = {}): Task {
  const d = download({ url: opts.url ?? TEST_URL });
  const task = world.resource.getOrAddTask({
    id: taskIdOf(d),
    type: 'standard',
    url: d.url,
    filteredQueryParams: [],
    requestHeader: {},
    backToSourceLimit: opts.backToSourceLimit ?? 200,
  });
  const pieceLength = 4 * 1024 * 1024;
  const pieceCount = opts.pieceCount ?? 10;
  task.setContentLayout(pieceLength * pieceCount, pieceLength, pieceCount);
  return task;
}

/** Paths of events that lead from Pending to each state. */
const PATHS: Record<PeerState, Array<Parameters<Peer['fsm']['fire']>[0]>> = {
  Pending: [],
  ReceivedEmpty: ['RegisterEmpty'],
  ReceivedTiny: ['RegisterTiny'],
  ReceivedSmall: ['RegisterSmall'],
  ReceivedNormal: ['RegisterNormal'],
  Running: ['RegisterNormal', 'Download'],
  BackToSource: ['RegisterNormal', 'DownloadBackToSource'],
  Succeeded: ['RegisterNormal', 'DownloadBackToSource', 'DownloadSucceeded'],
  Failed: ['RegisterNormal', 'DownloadFailed'],
  Leave: ['Leave'],
};

export function addPeer(world: World, task: Task, host: Host, state: PeerState = 'Pending', opts: { concurrentPieceCount?: number } = {}): Peer {
  const peer = new Peer({
    id: makePeerId(host.hostname, host.ip, host.isSeed),
    task,
    host,
    owner: host.owner,
    priority: 0,
    concurrentPieceCount: opts.concurrentPieceCount ?? 8,
    needBackToSource: false,
    disableBackToSource: false,
    now: world.clock.now,
  });
  world.resource.addPeer(peer);
  for (const event of PATHS[state]) peer.fsm.fire(event);
  return peer;
}
