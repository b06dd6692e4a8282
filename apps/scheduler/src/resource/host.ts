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
  concurrentUploadLimit: number;
  announceIntervalMs: number | undefined;
  // What scheduling reads for every sampled candidate sits in the Host object itself (no nested
  // objects to chase): the load counters, and values derived from the announced info when it is set.
  private uploads = 0;
  private uploadsFailed = 0;
  private concurrentUploads = 0;
  private concurrentUploadPieces = 0;
  private assignedTxBandwidth = 0;
  private assignedContentLength = 0;
  private currentInfo!: HostInfo;
  /** info.type !== 'normal'. */
  isSeed = false;
  disableShared = false;
  /** Bits per second; 0 when the daemon did not say. */
  maxTxBandwidth = 0;
  /** Bits per second the daemon measured it sends. */
  private announcedTxBandwidth = 0;
  /** idc and location in lower case, for case-insensitive affinity. */
  idcKey = '';
  locationKey = '';
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

  /** What the daemon announced last. Setting it refreshes the values derived from it. */
  get info(): HostInfo {
    return this.currentInfo;
  }

  set info(info: HostInfo) {
    this.currentInfo = info;
    this.isSeed = info.type !== 'normal';
    this.disableShared = info.disableShared;
    this.maxTxBandwidth = info.network?.maxTxBandwidth ?? 0;
    this.announcedTxBandwidth = info.network?.txBandwidth ?? 0;
    this.idcKey = (info.network?.idc ?? '').toLowerCase();
    this.locationKey = (info.network?.location ?? '').toLowerCase();
  }

  get type(): HostType {
    return this.currentInfo.type;
  }

  get hostname(): string {
    return this.currentInfo.hostname;
  }

  get ip(): string {
    return this.currentInfo.ip;
  }

  get idc(): string {
    return this.currentInfo.network?.idc ?? '';
  }

  get location(): string {
    return this.currentInfo.network?.location ?? '';
  }

  /** A copy of what the scheduler has put on this host. */
  get load(): HostLoad {
    return {
      uploadCount: this.uploads,
      uploadFailedCount: this.uploadsFailed,
      concurrentUploadCount: this.concurrentUploads,
      concurrentUploadPieceCount: this.concurrentUploadPieces,
      txBandwidth: this.assignedTxBandwidth,
      uploadContentLength: this.assignedContentLength,
    };
  }

  /** Sum of the assigned children's concurrent piece counts. */
  get concurrentUploadPieceCount(): number {
    return this.concurrentUploadPieces;
  }

  /** Bytes of content the assigned children still may pull from this host. */
  get uploadContentLength(): number {
    return this.assignedContentLength;
  }

  /**
   * Bits per second this host is sending: the larger of what it measured and what the scheduler
   * has assigned to it since (the announcement lags by up to one announce interval).
   */
  get txBandwidth(): number {
    return Math.max(this.announcedTxBandwidth, this.assignedTxBandwidth);
  }

  /** Free upload slots under the concurrent upload limit. */
  get freeUploadCount(): number {
    return this.concurrentUploadLimit - this.concurrentUploads;
  }

  /**
   * A host whose uploads mostly fail is not handed out: at least 3 failed pieces and failures
   * outnumbering half of the children it was given.
   */
  get uploadsFailing(): boolean {
    return this.uploadsFailed >= 3 && this.uploadsFailed * 2 > this.uploads;
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
    this.uploads += 1;
    this.concurrentUploads += 1;
    this.concurrentUploadPieces += load.concurrentPieceCount;
    this.assignedTxBandwidth += load.txBandwidth;
    this.assignedContentLength += load.contentLength;
  }

  removeUpload(load: UploadLoad): void {
    this.concurrentUploads = Math.max(0, this.concurrentUploads - 1);
    this.concurrentUploadPieces = Math.max(0, this.concurrentUploadPieces - load.concurrentPieceCount);
    this.assignedTxBandwidth = Math.max(0, this.assignedTxBandwidth - load.txBandwidth);
    this.assignedContentLength = Math.max(0, this.assignedContentLength - load.contentLength);
  }

  recordUploadFailed(): void {
    this.uploadsFailed += 1;
  }
}
