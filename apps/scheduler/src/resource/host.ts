import type { Peer } from './peer.js';

/** common.v2.Host.type: 0 normal, 1 super (a seed peer). */
export type HostType = 'normal' | 'super';

export interface HostCpu {
  logicalCount: number;
  physicalCount: number;
  percent: number;
  processPercent: number;
}

export interface HostMemory {
  total: number;
  available: number;
  used: number;
  usedPercent: number;
  processUsedPercent: number;
  free: number;
}

export interface HostNetwork {
  tcpConnectionCount: number;
  uploadTcpConnectionCount: number;
  location?: string;
  idc?: string;
  /** Bits per second. */
  maxRxBandwidth: number;
  rxBandwidth?: number;
  /** Bits per second: min(NIC speed, upload.bandwidthLimit) as the daemon announces it. */
  maxTxBandwidth: number;
  txBandwidth?: number;
}

export interface HostDisk {
  total: number;
  free: number;
  used: number;
  usedPercent: number;
  inodesTotal: number;
  inodesUsed: number;
  inodesFree: number;
  inodesUsedPercent: number;
  readBandwidth: number;
  writeBandwidth: number;
}

export interface HostBuild {
  gitVersion: string;
  gitCommit?: string;
  goVersion?: string;
  rustVersion?: string;
  platform?: string;
}

/** Everything a daemon announces about its host (common.v2.Host). */
export interface HostInfo {
  id: string;
  type: HostType;
  hostname: string;
  /** The address other peers dial. */
  ip: string;
  /** DfdaemonUpload gRPC port. */
  port: number;
  /** Piece server port (mTLS HTTPS). */
  downloadPort: number;
  os: string;
  platform: string;
  platformFamily: string;
  platformVersion: string;
  kernelVersion: string;
  cpu?: HostCpu;
  memory?: HostMemory;
  network?: HostNetwork;
  disk?: HostDisk;
  build?: HostBuild;
  schedulerClusterId: number;
  disableShared: boolean;
  proxyPort: number;
  name: string;
}

/** What the scheduler itself has put on a host by handing it out as a parent. */
export interface HostLoad {
  /** Children ever assigned (never decremented). */
  uploadCount: number;
  /** Pieces children reported as failed from this host. */
  uploadFailedCount: number;
  /** Children currently assigned. */
  concurrentUploadCount: number;
  /** Sum of the assigned children's concurrent piece counts. */
  concurrentUploadPieceCount: number;
  /** Bits per second the assigned children may pull: Σ pieceLength·concurrentPieceCount·8. */
  txBandwidth: number;
  /** Bytes of content the assigned children still may pull from this host: Σ task content length. */
  uploadContentLength: number;
}

/** What one parent→child edge added to the parent host's load, so that removing it subtracts the same. */
export interface UploadLoad {
  concurrentPieceCount: number;
  txBandwidth: number;
  contentLength: number;
}

export interface HostDeps {
  info: HostInfo;
  /** Identity (role:hostname of the client certificate) that announced the host. */
  owner: string;
  /** Most children this host serves at once (upstream load_limit: 200 normal, 2000 seed). */
  concurrentUploadLimit: number;
  /** Milliseconds between the daemon's announcements, when it said. */
  announceIntervalMs?: number;
  now: () => number;
}

export class Host {
  readonly id: string;
  readonly owner: string;
  info: HostInfo;
  concurrentUploadLimit: number;
  announceIntervalMs: number | undefined;
  readonly load: HostLoad = {
    uploadCount: 0,
    uploadFailedCount: 0,
    concurrentUploadCount: 0,
    concurrentUploadPieceCount: 0,
    txBandwidth: 0,
    uploadContentLength: 0,
  };
  readonly peers = new Map<string, Peer>();
  /** RegisterPeer calls on this host being handled right now (for the anti-herd delay). */
  concurrentRegistrations = 0;
  readonly createdAt: number;
  updatedAt: number;

  constructor(deps: HostDeps) {
    this.id = deps.info.id;
    this.info = deps.info;
    this.owner = deps.owner;
    this.concurrentUploadLimit = deps.concurrentUploadLimit;
    this.announceIntervalMs = deps.announceIntervalMs;
    this.createdAt = deps.now();
    this.updatedAt = this.createdAt;
  }

  get type(): HostType {
    return this.info.type;
  }

  get isSeed(): boolean {
    return this.info.type !== 'normal';
  }

  get hostname(): string {
    return this.info.hostname;
  }

  get ip(): string {
    return this.info.ip;
  }

  get idc(): string {
    return this.info.network?.idc ?? '';
  }

  get location(): string {
    return this.info.network?.location ?? '';
  }

  /** idc and location in lower case, for case-insensitive affinity; cached per announced info. */
  get affinityKeys(): { idc: string; location: string } {
    if (this.keys?.info !== this.info) {
      this.keys = { info: this.info, idc: this.idc.toLowerCase(), location: this.location.toLowerCase() };
    }
    return this.keys;
  }

  private keys: { info: HostInfo; idc: string; location: string } | undefined;

  get disableShared(): boolean {
    return this.info.disableShared;
  }

  /** Bits per second; 0 when the daemon did not say. */
  get maxTxBandwidth(): number {
    return this.info.network?.maxTxBandwidth ?? 0;
  }

  /**
   * Bits per second this host is sending: the larger of what it measured and what the scheduler
   * has assigned to it since (the announcement lags by up to one announce interval).
   */
  get txBandwidth(): number {
    return Math.max(this.info.network?.txBandwidth ?? 0, this.load.txBandwidth);
  }

  /** Free upload slots under the concurrent upload limit. */
  get freeUploadCount(): number {
    return this.concurrentUploadLimit - this.load.concurrentUploadCount;
  }

  /**
   * A host whose uploads mostly fail is not handed out: at least 3 failed pieces and failures
   * outnumbering half of the children it was given.
   */
  get uploadsFailing(): boolean {
    const { uploadFailedCount, uploadCount } = this.load;
    return uploadFailedCount >= 3 && uploadFailedCount * 2 > uploadCount;
  }

  update(info: HostInfo, announceIntervalMs: number | undefined, now: number): void {
    this.info = info;
    if (announceIntervalMs !== undefined) this.announceIntervalMs = announceIntervalMs;
    this.updatedAt = now;
  }

  touch(now: number): void {
    this.updatedAt = now;
  }

  addUpload(load: UploadLoad): void {
    this.load.uploadCount += 1;
    this.load.concurrentUploadCount += 1;
    this.load.concurrentUploadPieceCount += load.concurrentPieceCount;
    this.load.txBandwidth += load.txBandwidth;
    this.load.uploadContentLength += load.contentLength;
  }

  removeUpload(load: UploadLoad): void {
    this.load.concurrentUploadCount = Math.max(0, this.load.concurrentUploadCount - 1);
    this.load.concurrentUploadPieceCount = Math.max(0, this.load.concurrentUploadPieceCount - load.concurrentPieceCount);
    this.load.txBandwidth = Math.max(0, this.load.txBandwidth - load.txBandwidth);
    this.load.uploadContentLength = Math.max(0, this.load.uploadContentLength - load.contentLength);
  }

  recordUploadFailed(): void {
    this.load.uploadFailedCount += 1;
  }
}
