import type { Peer } from '../../resource/peer.js';

/** Ranks candidate parents for a child and recognises parents too slow or too early to serve. */
export interface Evaluator {
  /** The parents sorted best first (a new array). */
  evaluateParents(parents: readonly Peer[], child: Peer): Peer[];
  isBadParent(peer: Peer): boolean;
}
