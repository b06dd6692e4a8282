import type { SchedulingConfig } from '../scheduling/scheduling.js';
import type { SchedulerServiceConfig } from '../service/scheduler-service.js';
import type { DynconfigData } from './dynconfig-data.js';

export interface LocalLimits {
  candidateParentLimit: number;
  filterParentLimit: number;
  peerLoadLimit: number;
  seedPeerLoadLimit: number;
}

/**
 * Writes the manager's limits into the live scheduling and service configs (both are read at
 * each use); a limit the manager does not set falls back to the scheduler.yaml value.
 */
export function applyDynconfig(data: DynconfigData, target: { scheduling: SchedulingConfig; service: SchedulerServiceConfig }, local: LocalLimits): void {
  target.scheduling.candidateParentLimit = data.candidateParentLimit ?? local.candidateParentLimit;
  target.scheduling.filterParentLimit = data.filterParentLimit ?? local.filterParentLimit;
  target.service.peerLoadLimit = data.loadLimit ?? local.peerLoadLimit;
  target.service.seedPeerLoadLimit = data.seedLoadLimit ?? local.seedPeerLoadLimit;
}
