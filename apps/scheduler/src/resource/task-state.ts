import type { TransitionTable } from './state-machine.js';

/** Task states with upstream's names (common.v2.Task.state). */
export const TASK_STATES = ['Pending', 'Running', 'Succeeded', 'Failed', 'Leave'] as const;
export type TaskState = (typeof TASK_STATES)[number];

export type TaskEvent = 'Download' | 'DownloadSucceeded' | 'DownloadFailed' | 'Leave';

export const TASK_TRANSITIONS: TransitionTable<TaskState, TaskEvent> = {
  Download: { from: ['Pending', 'Succeeded', 'Failed', 'Leave'], to: 'Running' },
  DownloadSucceeded: { from: ['Leave', 'Running', 'Failed'], to: 'Succeeded' },
  DownloadFailed: { from: ['Running'], to: 'Failed' },
  Leave: { from: ['Pending', 'Running', 'Succeeded', 'Failed'], to: 'Leave' },
};
