import type * as grpc from '@grpc/grpc-js';
import type { DfdaemonUploadClient } from './generated/dfdaemon/v2/DfdaemonUpload.js';
import type { HealthClient } from './generated/grpc/health/v1/Health.js';
import type { ManagerClient } from './generated/manager/v2/Manager.js';
import type { SchedulerClient } from './generated/scheduler/v2/Scheduler.js';
import { assertAddress } from './grpc-address.js';
import { channelOptions } from './grpc-options.js';
import { protoPackage } from './service-definitions.js';

// Addresses are gRPC targets (see grpc-address.ts). Options given here override channelOptions().

export function createSchedulerClient(
  address: string,
  credentials: grpc.ChannelCredentials,
  options: grpc.ChannelOptions = {},
): SchedulerClient {
  assertAddress(address);
  return new protoPackage.scheduler.v2.Scheduler(address, credentials, { ...channelOptions(), ...options });
}

export function createDfdaemonUploadClient(
  address: string,
  credentials: grpc.ChannelCredentials,
  options: grpc.ChannelOptions = {},
): DfdaemonUploadClient {
  assertAddress(address);
  return new protoPackage.dfdaemon.v2.DfdaemonUpload(address, credentials, { ...channelOptions(), ...options });
}

export function createManagerClient(
  address: string,
  credentials: grpc.ChannelCredentials,
  options: grpc.ChannelOptions = {},
): ManagerClient {
  assertAddress(address);
  return new protoPackage.manager.v2.Manager(address, credentials, { ...channelOptions(), ...options });
}

export function createHealthClient(
  address: string,
  credentials: grpc.ChannelCredentials,
  options: grpc.ChannelOptions = {},
): HealthClient {
  assertAddress(address);
  return new protoPackage.grpc.health.v1.Health(address, credentials, { ...channelOptions(), ...options });
}

// One implementation, which loads only dfdaemon.proto (see dfdaemon-download.ts).
export { createDfdaemonDownloadClient } from './dfdaemon-download.js';
