import { assertNever } from '@d7y/core';
import type { ByteRange, Priority } from './download.js';
import type { Host } from './host.js';
import { PEER_TRANSITIONS, type PeerEvent, type PeerState } from './peer-state.js';
import { PieceCosts } from './piece-costs.js';
import { StateMachine, type TransitionListener } from './state-machine.js';
import type { Task } from './task.js';

export interface PeerDeps {
  id: string;
  task: Task;
  host: Host;
  /** Identity (role:hostname of the client certificate) that registered the peer. */
  owner: string;
  priority: Priority;
  range?: ByteRange;
  /** Pieces the peer downloads at once (upstream default 8). */
  concurrentPieceCount: number;
  needBackToSource: boolean;
  disableBackToSource: boolean;
  now: () => number;
}

const NO_PEERS: ReadonlySet<string> = new Set();
const NO_PIECES: ReadonlySet<number> = new Set();

export class Peer implements TransitionListener<PeerState, PeerEvent> {
  readonly id: string;
  readonly task: Task;
  readonly host: Host;
  readonly owner: string;
  readonly fsm: StateMachine<PeerState, PeerEvent>;
  priority: Priority;
  range: ByteRange | undefined;
  concurrentPieceCount: number;
  /** The scheduler must answer NeedBackToSource (a triggered seed peer, LEVEL3, no seed available). */
  needBackToSource: boolean;
  readonly disableBackToSource: boolean;
  // Both sets are made on first use: most peers never block a parent, and a peer waiting for its
  // first piece needs no set either (two empty Sets are ~300 bytes on each of thousands of peers).
  private blocked: Set<string> | undefined;
  private finished: Set<number> | undefined;
  readonly pieceCosts = new PieceCosts();
  /** Milliseconds from registration to success. */
  costMs = 0;
  /**
   * Parents it downloads from: its in-degree in the task's graph, kept by Task's edge methods. On
   * the peer itself because scheduling reads it for every sampled candidate.
   */
  parentCount = 0;
  readonly createdAt: number;
  updatedAt: number;
  /** Last piece finished (ms since epoch); GC of stalled downloads reads it. */
  pieceUpdatedAt: number;
  private readonly now: () => number;

  constructor(deps: PeerDeps) {
    this.id = deps.id;
    this.task = deps.task;
    this.host = deps.host;
    this.owner = deps.owner;
    this.priority = deps.priority;
    this.range = deps.range;
    this.concurrentPieceCount = deps.concurrentPieceCount;
    this.needBackToSource = deps.needBackToSource;
    this.disableBackToSource = deps.disableBackToSource;
    this.now = deps.now;
    this.createdAt = deps.now();
    this.updatedAt = this.createdAt;
    this.pieceUpdatedAt = this.createdAt;
    this.fsm = new StateMachine<PeerState, PeerEvent>({
      name: `peer ${deps.id}`,
      initial: 'Pending',
      table: PEER_TRANSITIONS,
      listener: this,
    });
  }

  /** The state machine's state, mirrored on the peer: scheduling reads it for every sampled candidate. */
  private currentState: PeerState = 'Pending';

  get state(): PeerState {
    return this.currentState;
  }

  touch(): void {
    this.updatedAt = this.now();
  }

  /** Parents this peer must not be given again (failed pieces, reschedule requests). */
  get blockParents(): ReadonlySet<string> {
    return this.blocked ?? NO_PEERS;
  }

  blockParent(id: string): void {
    (this.blocked ??= new Set()).add(id);
  }

  /** Piece numbers this peer has finished. */
  get finishedPieces(): ReadonlySet<number> {
    return this.finished ?? NO_PIECES;
  }

  finishPiece(number: number, costMs: number): void {
    (this.finished ??= new Set()).add(number);
    this.pieceCosts.add(costMs);
    this.pieceUpdatedAt = this.now();
    this.updatedAt = this.pieceUpdatedAt;
  }

  /** Called by its state machine after each transition. */
  stateChanged(event: PeerEvent, from: PeerState, to: PeerState): void {
    this.currentState = to;
    this.updatedAt = this.now();
    this.task.peerStateChanged(this);
    switch (event) {
      case 'RegisterEmpty':
      case 'RegisterTiny':
      case 'RegisterSmall':
      case 'RegisterNormal':
        return;
      case 'Download':
        this.pieceUpdatedAt = this.updatedAt;
        return;
      case 'DownloadBackToSource':
        this.pieceUpdatedAt = this.updatedAt;
        this.task.backToSourcePeers.add(this.id);
        this.task.deletePeerInEdges(this.id);
        return;
      case 'DownloadSucceeded':
        if (from === 'BackToSource') this.task.backToSourcePeers.delete(this.id);
        this.task.deletePeerInEdges(this.id);
        this.task.peerFailedCount = 0;
        this.costMs = this.updatedAt - this.createdAt;
        return;
      case 'DownloadFailed':
        if (from === 'BackToSource') {
          this.task.peerFailedCount += 1;
          this.task.backToSourcePeers.delete(this.id);
        }
        this.task.deletePeerInEdges(this.id);
        return;
      case 'Leave':
        if (from === 'BackToSource') this.task.backToSourcePeers.delete(this.id);
        this.task.deletePeerInEdges(this.id);
        return;
      default:
        assertNever(event);
    }
  }
}
