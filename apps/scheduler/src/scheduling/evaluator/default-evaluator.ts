import type { HostType } from '../../resource/host.js';
import type { Peer } from '../../resource/peer.js';
import { SERVING_STATES, type PeerState } from '../../resource/peer-state.js';
import type { Evaluator } from './evaluator.js';

// Weights of upstream's load-aware default algorithm (2025+):
//   score = 0.6·loadQuality + 0.2·idcAffinity + 0.1·locationAffinity + 0.1·hostType
//   loadQuality = 0.5·peakBandwidthUsage + 0.3·bandwidthDuration + 0.2·concurrency
export const LOAD_QUALITY_WEIGHT = 0.6;
export const IDC_AFFINITY_WEIGHT = 0.2;
export const LOCATION_AFFINITY_WEIGHT = 0.1;
export const HOST_TYPE_WEIGHT = 0.1;
export const PEAK_BANDWIDTH_USAGE_WEIGHT = 0.5;
export const BANDWIDTH_DURATION_WEIGHT = 0.3;
export const CONCURRENCY_WEIGHT = 0.2;

/** Bandwidth one upload of a 16 MiB piece per second needs, in bits/s. */
export const PIECE_BANDWIDTH_BITS = 16 * 1024 * 1024 * 8;
/** Seconds of queued upload at which bandwidthDuration reaches 0. */
export const BANDWIDTH_DURATION_WINDOW_SECONDS = 60;
/** Levels in a location "country|province|city|zone|cluster". */
export const MAX_LOCATION_ELEMENTS = 5;
export const LOCATION_SEPARATOR = '|';

/** Before the cost window fills, a piece is an outlier when it took more than 20× the mean. */
export const BAD_PARENT_COST_MULTIPLE = 20;
/** Samples after which the 3σ rule replaces the 20× rule (upstream's window size). */
export const PIECE_COST_WINDOW = 2000;

export interface LoadInput {
  /** Bits/s the host can send (0 = unknown). */
  maxTxBandwidth: number;
  /** Bits/s the host is sending or has been assigned. */
  txBandwidth: number;
  /** Bytes its assigned children may still pull. */
  uploadContentLength: number;
  /** Pieces its assigned children pull at once. */
  concurrentUploadPieceCount: number;
}

/** peakBandwidthUsage = max(0, 1 − tx/maxTx); 0 when maxTx is unknown. */
export function peakBandwidthUsage(load: LoadInput): number {
  if (load.maxTxBandwidth <= 0) return 0;
  return Math.max(0, 1 - load.txBandwidth / load.maxTxBandwidth);
}

/**
 * bandwidthDuration = max(0, 1 − (uploadContentLength·8 / maxTx) / 60 s): how far from a minute of
 * queued upload the host is; 1 when nothing is queued, 0 when maxTx is unknown and something is.
 */
export function bandwidthDuration(load: LoadInput): number {
  if (load.uploadContentLength <= 0) return 1;
  if (load.maxTxBandwidth <= 0) return 0;
  const seconds = (load.uploadContentLength * 8) / load.maxTxBandwidth;
  return Math.max(0, 1 - seconds / BANDWIDTH_DURATION_WINDOW_SECONDS);
}

/**
 * concurrency: needed = maxTx / (16 MiB·8) pieces per second the link sustains.
 * needed ≤ 1 → 0; no concurrent pieces → 1; ratio = concurrent/needed; ratio ≤ 1 → 1, else 1/ratio.
 */
export function concurrency(load: LoadInput): number {
  const needed = load.maxTxBandwidth / PIECE_BANDWIDTH_BITS;
  if (needed <= 1) return 0;
  if (load.concurrentUploadPieceCount <= 0) return 1;
  const ratio = load.concurrentUploadPieceCount / needed;
  return ratio <= 1 ? 1 : 1 / ratio;
}

/** loadQuality = 0.5·peakBandwidthUsage + 0.3·bandwidthDuration + 0.2·concurrency. */
export function loadQuality(load: LoadInput): number {
  return (
    PEAK_BANDWIDTH_USAGE_WEIGHT * peakBandwidthUsage(load) +
    BANDWIDTH_DURATION_WEIGHT * bandwidthDuration(load) +
    CONCURRENCY_WEIGHT * concurrency(load)
  );
}

/** 1 when both IDCs are set and equal ignoring case, else 0. */
export function idcAffinity(parentIdc: string, childIdc: string): number {
  if (parentIdc === '' || childIdc === '') return 0;
  if (parentIdc === childIdc) return 1;
  return parentIdc.toLowerCase() === childIdc.toLowerCase() ? 1 : 0;
}

/** Equal locations → 1; otherwise matching leading "|"-separated elements (at most 5) / 5. */
export function locationAffinity(parentLocation: string, childLocation: string): number {
  if (parentLocation === '' || childLocation === '') return 0;
  if (parentLocation === childLocation || parentLocation.toLowerCase() === childLocation.toLowerCase()) return 1;
  const parent = parentLocation.split(LOCATION_SEPARATOR);
  const child = childLocation.split(LOCATION_SEPARATOR);
  const n = Math.min(parent.length, child.length, MAX_LOCATION_ELEMENTS);
  let matched = 0;
  for (let i = 0; i < n; i++) {
    if ((parent[i] as string).toLowerCase() !== (child[i] as string).toLowerCase()) break;
    matched += 1;
  }
  return matched / MAX_LOCATION_ELEMENTS;
}

/** Seed parent: 1 while ReceivedNormal/Running, else 0 (busy with the source); normal parent: 0.5. */
export function hostTypeScore(type: HostType, state: PeerState): number {
  if (type === 'normal') return 0.5;
  return state === 'ReceivedNormal' || state === 'Running' ? 1 : 0;
}

/** score = 0.6·loadQuality + 0.2·idcAffinity + 0.1·locationAffinity + 0.1·hostType. */
export function parentScore(parent: Peer, child: Peer): number {
  const host = parent.host;
  // The host is its own LoadInput (no object per candidate); idc and location keys are lower-cased
  // once per announcement, so the comparisons below are exact.
  return (
    LOAD_QUALITY_WEIGHT * loadQuality(host) +
    IDC_AFFINITY_WEIGHT * idcAffinity(host.idcKey, child.host.idcKey) +
    LOCATION_AFFINITY_WEIGHT * locationAffinity(host.locationKey, child.host.locationKey) +
    HOST_TYPE_WEIGHT * hostTypeScore(host.isSeed ? 'super' : 'normal', parent.state)
  );
}

/** Scratch scores for evaluateParents (synchronous, so one array serves every call). */
let scratchScores = new Float64Array(32);

/** Upstream's default (load-aware) evaluator. */
export class DefaultEvaluator implements Evaluator {
  evaluateParents(parents: readonly Peer[], child: Peer): Peer[] {
    // Insertion sort on parallel arrays: at most filterParentLimit (15) parents, once per
    // registration, and stable like Array#sort (equal scores keep their sampled order).
    const n = parents.length;
    const sorted: Peer[] = new Array<Peer>(n);
    const scores = scratchScores.length >= n ? scratchScores : (scratchScores = new Float64Array(n * 2));
    for (let i = 0; i < n; i++) {
      const parent = parents[i] as Peer;
      const score = parentScore(parent, child);
      let j = i;
      while (j > 0 && (scores[j - 1] as number) < score) {
        scores[j] = scores[j - 1] as number;
        sorted[j] = sorted[j - 1] as Peer;
        j -= 1;
      }
      scores[j] = score;
      sorted[j] = parent;
    }
    return sorted;
  }

  /**
   * A parent is bad when it cannot serve yet or anymore (Pending, Received*, Failed, Leave), or
   * when its last piece was an outlier: last > 20·mean of the earlier ones while fewer than 2000
   * samples exist, then last > mean + 3σ. Fewer than 2 samples: not bad.
   */
  isBadParent(peer: Peer): boolean {
    if (!SERVING_STATES.has(peer.state)) return true;
    const costs = peer.pieceCosts;
    if (costs.count < 2) return false;
    const last = costs.last as number;
    const mean = costs.previousMean;
    if (costs.count < PIECE_COST_WINDOW) return last > mean * BAD_PARENT_COST_MULTIPLE;
    return last > mean + 3 * costs.previousStdDev;
  }
}
