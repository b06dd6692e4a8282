import type * as grpc from '@grpc/grpc-js';
import type { DfdaemonDownloadClient } from './generated/dfdaemon/v2/DfdaemonDownload.js';
import type { DfdaemonUploadClient } from './generated/dfdaemon/v2/DfdaemonUpload.js';
import type { HealthClient } from './generated/grpc/health/v1/Health.js';
import type { ManagerClient } from './generated/manager/v2/Manager.js';
import type { SchedulerClient } from './generated/scheduler/v2/Scheduler.js';
import { channelOptions } from './grpc-options.js';
import { protoPackage } from './service-definitions.js';

// Addresses are gRPC targets: "host:port", "dns:///host:port", "ipv6:[::1]:4000" or
// "unix:///var/run/dragonfly/dfdaemon.sock". Options given here override channelOptions().

function assertAddress(address: string): void {
  if (typeof address !== 'string' || address.trim() === '') {
    throw new TypeError('gRPC address must be a non-empty string such as "host:port" or "unix:///path"');
  }
}

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

export function createDfdaemonDownloadClient(
  address: string,
  credentials: grpc.ChannelCredentials,
  options: grpc.ChannelOptions = {},
): DfdaemonDownloadClient {
  assertAddress(address);
  return new protoPackage.dfdaemon.v2.DfdaemonDownload(address, credentials, { ...channelOptions(), ...options });
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
