import { describe, expect, it } from 'vitest';
import { isSchedulerError } from '../errors.js';
import { PEER_STATES, PEER_TRANSITIONS, type PeerEvent, type PeerState } from './peer-state.js';
import { addHost, addPeer, addTask, makeWorld } from './resource.fixture.js';
import { StateMachine } from './state-machine.js';
import { TASK_STATES, TASK_TRANSITIONS, type TaskEvent, type TaskState } from './task-state.js';

// Upstream's tables (internals §3.3), written out independently of the implementation:
// event → [states it may fire from, resulting state].
const R = ['ReceivedEmpty', 'ReceivedTiny', 'ReceivedSmall', 'ReceivedNormal'] as const;
const EXPECTED_PEER: Record<PeerEvent, [readonly PeerState[], PeerState]> = {
  RegisterEmpty: [['Pending'], 'ReceivedEmpty'],
  RegisterTiny: [['Pending'], 'ReceivedTiny'],
  RegisterSmall: [['Pending'], 'ReceivedSmall'],
  RegisterNormal: [['Pending'], 'ReceivedNormal'],
  Download: [R, 'Running'],
  DownloadBackToSource: [[...R, 'Running'], 'BackToSource'],
  DownloadSucceeded: [[...R, 'Running', 'BackToSource'], 'Succeeded'],
  DownloadFailed: [['Pending', ...R, 'Running', 'BackToSource', 'Succeeded'], 'Failed'],
  Leave: [['Pending', ...R, 'Running', 'BackToSource', 'Succeeded', 'Failed'], 'Leave'],
};
const EXPECTED_TASK: Record<TaskEvent, [readonly TaskState[], TaskState]> = {
  Download: [['Pending', 'Succeeded', 'Failed', 'Leave'], 'Running'],
  DownloadSucceeded: [['Leave', 'Running', 'Failed'], 'Succeeded'],
  DownloadFailed: [['Running'], 'Failed'],
  Leave: [['Pending', 'Running', 'Succeeded', 'Failed'], 'Leave'],
};

const peerCases = PEER_STATES.flatMap((state) =>
  (Object.keys(EXPECTED_PEER) as PeerEvent[]).map((event) => {
    const [from, to] = EXPECTED_PEER[event];
    return { state, event, expected: from.includes(state) ? to : undefined };
  }),
);

const taskCases = TASK_STATES.flatMap((state) =>
  (Object.keys(EXPECTED_TASK) as TaskEvent[]).map((event) => {
    const [from, to] = EXPECTED_TASK[event];
    return { state, event, expected: from.includes(state) ? to : undefined };
  }),
);

describe('peer state machine', () => {
  it.each(peerCases)('$event from $state → $expected', ({ state, event, expected }) => {
    const fsm = new StateMachine({ name: 'peer p', initial: state, table: PEER_TRANSITIONS });
    if (expected === undefined) {
      expect(fsm.can(event)).toBe(false);
      let err: unknown;
      try {
        fsm.fire(event);
      } catch (e) {
        err = e;
      }
      expect(isSchedulerError(err, 'DF_ERR_SCHEDULER_INVALID_TRANSITION')).toBe(true);
      expect((err as Error).message).toContain(`event ${event} is not allowed in state ${state}`);
      expect(fsm.state).toBe(state);
    } else {
      expect(fsm.fire(event)).toBe(expected);
      expect(fsm.state).toBe(expected);
    }
  });

  it('tracks back-to-source peers and failures on the task, and drops in-edges', () => {
    const world = makeWorld();
    const task = addTask(world);
    const parent = addPeer(world, task, addHost(world, { hostname: 'parent' }), 'Running');
    const peer = addPeer(world, task, addHost(world, { hostname: 'child' }), 'ReceivedNormal');
    task.addPeerEdge(parent, peer);
    expect(task.peerInDegree(peer.id)).toBe(1);

    peer.fsm.fire('DownloadBackToSource');
    expect(task.backToSourcePeers.has(peer.id)).toBe(true);
    expect(task.peerInDegree(peer.id)).toBe(0);
    expect(parent.host.load.concurrentUploadCount).toBe(0);

    peer.fsm.fire('DownloadFailed');
    expect(task.backToSourcePeers.has(peer.id)).toBe(false);
    expect(task.peerFailedCount).toBe(1);

    const other = addPeer(world, task, addHost(world, { hostname: 'other' }), 'BackToSource');
    other.fsm.fire('DownloadSucceeded');
    expect(task.backToSourcePeers.size).toBe(0);
    expect(task.peerFailedCount).toBe(0);
  });
});

describe('task state machine', () => {
  it.each(taskCases)('$event from $state → $expected', ({ state, event, expected }) => {
    const fsm = new StateMachine({ name: 'task t', initial: state, table: TASK_TRANSITIONS });
    if (expected === undefined) {
      expect(() => fsm.fire(event)).toThrow(/not allowed/);
      expect(fsm.state).toBe(state);
    } else {
      expect(fsm.fire(event)).toBe(expected);
    }
  });
});
