import { Dag } from './dag.js';
import type { TaskIdInputs } from './task-id-check.js';
import type { TaskType } from './download.js';
import type { UploadLoad } from './host.js';
import type { Peer } from './peer.js';
import { SERVING_STATES } from './peer-state.js';
import { SampleSet } from './sample-set.js';
import { StateMachine } from './state-machine.js';
import { TASK_TRANSITIONS, type TaskEvent, type TaskState } from './task-state.js';

/** Upstream's size scopes: EMPTY 0 bytes, TINY ≤ 128 bytes, SMALL one piece, NORMAL more, UNKNOWN length < 0. */
export type SizeScope = 'empty' | 'tiny' | 'small' | 'normal' | 'unknown';

/** Upstream TINY limit, bytes. */
export const TINY_FILE_SIZE = 128;

/**
 * A piece digest the scheduler trusts: reported by the peer that fetched the piece from the
 * SOURCE (first report wins). Peers check bytes from parents against it.
 */
export interface TrustedPiece {
  number: number;
  /** Bytes from the start of the content. */
  offset: number;
  /** Bytes. */
  length: number;
  /** `sha256:<hex>`. */
  digest: string;
  /** Peer that fetched it from the source. */
  reportedBy: string;
  costMs: number;
  createdAt: number;
}

export type RecordPieceOutcome = 'recorded' | 'duplicate' | 'conflict';

export interface TaskDeps {
  id: string;
  type: TaskType;
  url: string;
  tag?: string;
  application?: string;
  digest?: string;
  filteredQueryParams: string[];
  requestHeader: Record<string, string>;
  /** Most peers of this task allowed in BackToSource at once (scheduler.backToSourceCount). */
  backToSourceLimit: number;
  now: () => number;
}

export class Task {
  readonly id: string;
  readonly type: TaskType;
  url: string;
  readonly tag: string | undefined;
  readonly application: string | undefined;
  digest: string | undefined;
  filteredQueryParams: string[];
  requestHeader: Record<string, string>;
  /** Bytes; 0 while unknown. */
  pieceLength = 0;
  /** Bytes; −1 while unknown. */
  contentLength = -1;
  pieceCount = 0;
  readonly fsm: StateMachine<TaskState, TaskEvent>;
  readonly backToSourceLimit: number;
  /** Peers of this task currently in BackToSource. */
  readonly backToSourcePeers = new Set<string>();
  /** Back-to-source peers that failed since the last success. */
  peerFailedCount = 0;
  /** Trusted piece digests by piece number. */
  readonly pieces = new Map<number, TrustedPiece>();
  /** Last time a seed peer failed this task (ms since epoch). */
  seedPeerFailedAt: number | undefined;
  /** Task ID inputs (task-id-check) already verified to yield this task's ID; bounded by the announcer. */
  readonly checkedIdInputs: TaskIdInputs[] = [];
  /** A seed peer download of this task is in flight. */
  seedPeerTriggered = false;
  readonly createdAt: number;
  updatedAt: number;
  /** Bumped whenever what peers are told about the task changes (state, layout, trusted pieces, URL). */
  private contentVersion = 0;
  /** The per-task peer graph: an edge parent→child means the child was given that parent. */
  private readonly dag = new Dag<Peer, UploadLoad>();
  /** Peers in a serving state (Running, BackToSource, Succeeded): candidate parents are sampled here. */
  private readonly servingPeers = new SampleSet<Peer>();
  private readonly now: () => number;

  constructor(deps: TaskDeps) {
    this.id = deps.id;
    this.type = deps.type;
    this.url = deps.url;
    this.tag = deps.tag;
    this.application = deps.application;
    this.digest = deps.digest;
    this.filteredQueryParams = deps.filteredQueryParams;
    this.requestHeader = deps.requestHeader;
    this.backToSourceLimit = deps.backToSourceLimit;
    this.now = deps.now;
    this.createdAt = deps.now();
    this.updatedAt = this.createdAt;
    this.fsm = new StateMachine<TaskState, TaskEvent>({
      name: `task ${deps.id}`,
      initial: 'Pending',
      table: TASK_TRANSITIONS,
      onTransition: () => {
        this.touch();
        this.bumpVersion();
      },
    });
  }

  get version(): number {
    return this.contentVersion;
  }

  bumpVersion(): void {
    this.contentVersion += 1;
  }

  get state(): TaskState {
    return this.fsm.state;
  }

  get peerCount(): number {
    return this.dag.size;
  }

  touch(): void {
    this.updatedAt = this.now();
  }

  sizeScope(): SizeScope {
    if (this.contentLength < 0) return 'unknown';
    if (this.contentLength === 0) return 'empty';
    if (this.contentLength <= TINY_FILE_SIZE) return 'tiny';
    if (this.pieceCount === 1) return 'small';
    return 'normal';
  }

  /**
   * Sets the content geometry a peer learnt from the source. When it differs from what the task
   * knew, the content changed: trusted digests of the old content are dropped. Returns whether it changed.
   */
  setContentLayout(contentLength: number, pieceLength: number, pieceCount: number): boolean {
    const known = this.contentLength >= 0;
    const changed = this.contentLength !== contentLength || this.pieceLength !== pieceLength || this.pieceCount !== pieceCount;
    this.contentLength = contentLength;
    this.pieceLength = pieceLength;
    this.pieceCount = pieceCount;
    if (changed) this.bumpVersion();
    if (changed && known) this.pieces.clear();
    return changed && known;
  }

  /** Forgets the content length after a failed back-to-source (upstream resets it to −1). */
  resetContentLength(): void {
    this.contentLength = -1;
    this.pieceCount = 0;
    this.bumpVersion();
  }

  /** |BackToSource peers| < backToSourceCount, and the task type allows the source. */
  canBackToSource(): boolean {
    return this.backToSourcePeers.size < this.backToSourceLimit && this.type !== 'persistentCache';
  }

  /** hasAvailablePeer with only `peer` blocked; without a walk over the peers when one serves. */
  hasAvailablePeerBesides(peer: Peer): boolean {
    const servingOthers = this.servingPeers.size - (this.servingPeers.has(peer.id) ? 1 : 0);
    return servingOthers > 0 || this.hasAvailablePeer(new Set([peer.id]));
  }

  /** Some peer, not blocked, is pending, running, back-to-source or done: the task is being served. */
  hasAvailablePeer(blocklist: ReadonlySet<string>): boolean {
    for (const peer of this.dag.values()) {
      if (blocklist.has(peer.id)) continue;
      if (peer.fsm.is('Pending', 'Running', 'Succeeded', 'BackToSource')) return true;
    }
    return false;
  }

  hasPeer(id: string): boolean {
    return this.dag.has(id);
  }

  getPeer(id: string): Peer | undefined {
    return this.dag.get(id);
  }

  peers(): IterableIterator<Peer> {
    return this.dag.values();
  }

  /** Up to n distinct peers in a serving state, uniformly at random. */
  randomServingPeers(n: number, random?: () => number): Peer[] {
    return this.servingPeers.sample(n, random);
  }

  get servingPeerCount(): number {
    return this.servingPeers.size;
  }

  /** Called by a peer of this task after each of its state changes. */
  peerStateChanged(peer: Peer): void {
    if (!this.dag.has(peer.id)) return;
    if (SERVING_STATES.has(peer.state)) this.servingPeers.add(peer.id, peer);
    else this.servingPeers.delete(peer.id);
  }

  addPeer(peer: Peer): void {
    this.dag.addVertex(peer.id, peer);
    this.peerStateChanged(peer);
    this.touch();
  }

  /** Removes the peer and its edges, releasing the load it put on its parents' hosts. */
  deletePeer(id: string): void {
    if (!this.dag.has(id)) return;
    // Edges first, while both ends are still in the graph, so every parent host gets its load back.
    this.deletePeerInEdges(id);
    this.deletePeerOutEdges(id);
    this.dag.deleteVertex(id);
    this.servingPeers.delete(id);
    this.backToSourcePeers.delete(id);
  }

  peerInDegree(id: string): number {
    return this.dag.inDegree(id);
  }

  peerOutDegree(id: string): number {
    return this.dag.outDegree(id);
  }

  parentsOf(id: string): Peer[] {
    return this.dag.parents(id).map((parentId) => this.dag.get(parentId) as Peer);
  }

  canAddPeerEdge(parentId: string, childId: string): boolean {
    return this.dag.canAddEdge(parentId, childId);
  }

  /**
   * Records that `child` downloads from `parent`: an edge in the graph, and the child's expected
   * load on the parent's host (txBandwidth += pieceLength·concurrentPieceCount·8 bits/s).
   */
  addPeerEdge(parent: Peer, child: Peer): void {
    const load: UploadLoad = {
      concurrentPieceCount: child.concurrentPieceCount,
      txBandwidth: this.pieceLength * child.concurrentPieceCount * 8,
      contentLength: Math.max(0, this.contentLength),
    };
    this.dag.addEdge(parent.id, child.id, load);
    child.parentCount += 1;
    parent.host.addUpload(load);
  }

  deletePeerInEdges(id: string): void {
    for (const [from, to, load] of this.dag.deleteInEdges(id)) this.release(from, to, load);
  }

  deletePeerOutEdges(id: string): void {
    for (const [from, to, load] of this.dag.deleteOutEdges(id)) this.release(from, to, load);
  }

  /**
   * Records a piece digest reported by a peer that fetched the piece from the source.
   * First report wins; a later one with another digest is a conflict and changes nothing.
   */
  recordTrustedPiece(piece: TrustedPiece): RecordPieceOutcome {
    const known = this.pieces.get(piece.number);
    if (known === undefined) {
      this.pieces.set(piece.number, piece);
      this.bumpVersion();
      return 'recorded';
    }
    return known.digest === piece.digest && known.offset === piece.offset && known.length === piece.length ? 'duplicate' : 'conflict';
  }

  /** Undoes addPeerEdge for an edge the graph no longer has. */
  private release(parentId: string, childId: string, load: UploadLoad): void {
    this.dag.get(parentId)?.host.removeUpload(load);
    const child = this.dag.get(childId);
    if (child !== undefined) child.parentCount -= 1;
  }
}
