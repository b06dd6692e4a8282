import type { DfdaemonDownloadDefinition } from './generated/dfdaemon/v2/DfdaemonDownload.js';
import type { DfdaemonUploadDefinition } from './generated/dfdaemon/v2/DfdaemonUpload.js';
import type { HealthDefinition } from './generated/grpc/health/v1/Health.js';
import type { ManagerDefinition } from './generated/manager/v2/Manager.js';
import type { SchedulerDefinition } from './generated/scheduler/v2/Scheduler.js';
import { loadProtoPackage } from './proto-package.js';

// Loaded once when the module is imported; the definitions are immutable descriptions of the
// services (paths, serializers), not state.
const protos = loadProtoPackage();

/** The loaded proto packages (service constructors and message definitions). */
export const protoPackage = protos;

/** `scheduler.v2.Scheduler`, for `server.addService(schedulerServiceDefinition, handlers)`. */
export const schedulerServiceDefinition: SchedulerDefinition = protos.scheduler.v2.Scheduler.service;
/** `dfdaemon.v2.DfdaemonUpload` (TCP, other peers, schedulers, manager jobs). */
export const dfdaemonUploadServiceDefinition: DfdaemonUploadDefinition = protos.dfdaemon.v2.DfdaemonUpload.service;
/** `dfdaemon.v2.DfdaemonDownload` (unix socket, local clients). */
export const dfdaemonDownloadServiceDefinition: DfdaemonDownloadDefinition =
  protos.dfdaemon.v2.DfdaemonDownload.service;
/** `manager.v2.Manager`. */
export const managerServiceDefinition: ManagerDefinition = protos.manager.v2.Manager.service;
/** `grpc.health.v1.Health`. */
export const healthServiceDefinition: HealthDefinition = protos.grpc.health.v1.Health.service;
