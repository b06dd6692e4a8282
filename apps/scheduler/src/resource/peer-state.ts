import type { TransitionTable } from './state-machine.js';

/** Peer states with upstream's names (they travel as strings in common.v2.Peer.state). */
export const PEER_STATES = [
  'Pending',
  'ReceivedEmpty',
  'ReceivedTiny',
  'ReceivedSmall',
  'ReceivedNormal',
  'Running',
  'BackToSource',
  'Succeeded',
  'Failed',
  'Leave',
] as const;
export type PeerState = (typeof PEER_STATES)[number];

export type PeerEvent =
  | 'RegisterEmpty'
  | 'RegisterTiny'
  | 'RegisterSmall'
  | 'RegisterNormal'
  | 'Download'
  | 'DownloadBackToSource'
  | 'DownloadSucceeded'
  | 'DownloadFailed'
  | 'Leave';

export const RECEIVED_STATES = ['ReceivedEmpty', 'ReceivedTiny', 'ReceivedSmall', 'ReceivedNormal'] as const satisfies readonly PeerState[];

/** States in which a peer can serve pieces to children; every other state cannot. */
export const SERVING_STATES: ReadonlySet<PeerState> = new Set<PeerState>(['Running', 'BackToSource', 'Succeeded']);

export const PEER_TRANSITIONS: TransitionTable<PeerState, PeerEvent> = {
  RegisterEmpty: { from: ['Pending'], to: 'ReceivedEmpty' },
  RegisterTiny: { from: ['Pending'], to: 'ReceivedTiny' },
  RegisterSmall: { from: ['Pending'], to: 'ReceivedSmall' },
  RegisterNormal: { from: ['Pending'], to: 'ReceivedNormal' },
  Download: { from: [...RECEIVED_STATES], to: 'Running' },
  DownloadBackToSource: { from: [...RECEIVED_STATES, 'Running'], to: 'BackToSource' },
  DownloadSucceeded: { from: [...RECEIVED_STATES, 'Running', 'BackToSource'], to: 'Succeeded' },
  DownloadFailed: { from: ['Pending', ...RECEIVED_STATES, 'Running', 'BackToSource', 'Succeeded'], to: 'Failed' },
  Leave: { from: PEER_STATES.filter((s) => s !== 'Leave'), to: 'Leave' },
};
