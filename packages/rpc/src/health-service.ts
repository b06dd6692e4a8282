import * as grpc from '@grpc/grpc-js';
import type { HealthClient, HealthHandlers } from './generated/grpc/health/v1/Health.js';
import type { HealthCheckRequest__Output } from './generated/grpc/health/v1/HealthCheckRequest.js';
import type { HealthCheckResponse } from './generated/grpc/health/v1/HealthCheckResponse.js';
import { fromServiceError } from './rpc-error.js';
import { healthServiceDefinition } from './service-definitions.js';

/** What a service reports about itself. */
export type ServingStatus = 'SERVING' | 'NOT_SERVING';
/** What a health check can answer ("SERVICE_UNKNOWN": no status was ever set for that name). */
export type HealthStatus = ServingStatus | 'UNKNOWN' | 'SERVICE_UNKNOWN';

/** The server as a whole, by the protocol's convention. */
export const OVERALL_HEALTH = '';

type WatchCall = grpc.ServerWritableStream<HealthCheckRequest__Output, HealthCheckResponse>;

/**
 * grpc.health.v1 state of one server: Check answers the current status, Watch streams every
 * change. A fresh reporter says SERVING for the server as a whole ("").
 */
export class HealthReporter {
  readonly #statuses = new Map<string, ServingStatus>([[OVERALL_HEALTH, 'SERVING']]);
  readonly #watchers = new Map<string, Set<WatchCall>>();
  #shutDown = false;

  setStatus(service: string, status: ServingStatus): void {
    if (typeof service !== 'string') throw new TypeError('health service name must be a string');
    if (status !== 'SERVING' && status !== 'NOT_SERVING') {
      throw new TypeError(`health status must be SERVING or NOT_SERVING, got ${String(status)}`);
    }
    // After shutdown() nothing may claim to be serving again.
    if (this.#shutDown) return;
    if (this.#statuses.get(service) === status) return;
    this.#statuses.set(service, status);
    for (const call of this.#watchers.get(service) ?? []) call.write({ status });
  }

  getStatus(service: string): ServingStatus | undefined {
    return this.#statuses.get(service);
  }

  /** Marks everything NOT_SERVING and ends open Watch streams so the server can shut down. */
  shutdown(): void {
    for (const service of this.#statuses.keys()) this.setStatus(service, 'NOT_SERVING');
    this.#shutDown = true;
    for (const calls of this.#watchers.values()) for (const call of calls) call.end();
    this.#watchers.clear();
  }

  handlers(): HealthHandlers {
    return {
      Check: (call, callback) => {
        const status = this.#statuses.get(call.request.service);
        if (status === undefined) {
          callback({ code: grpc.status.NOT_FOUND, details: 'unknown service' });
          return;
        }
        callback(null, { status });
      },
      List: (_call, callback) => {
        const statuses: Record<string, HealthCheckResponse> = {};
        for (const [service, status] of this.#statuses) statuses[service] = { status };
        callback(null, { statuses });
      },
      Watch: (call) => {
        const service = call.request.service;
        call.write({ status: this.#statuses.get(service) ?? 'SERVICE_UNKNOWN' });
        if (this.#shutDown) {
          call.end();
          return;
        }
        let calls = this.#watchers.get(service);
        if (!calls) {
          calls = new Set();
          this.#watchers.set(service, calls);
        }
        calls.add(call);
        const forget = (): void => {
          const set = this.#watchers.get(service);
          set?.delete(call);
          if (set?.size === 0) this.#watchers.delete(service);
        };
        call.on('cancelled', forget);
        call.on('close', forget);
        call.on('error', forget);
      },
    };
  }
}

/** Adds grpc.health.v1.Health to a server and returns the reporter that drives it. */
export function addHealthService(server: grpc.Server): HealthReporter {
  const reporter = new HealthReporter();
  server.addService(healthServiceDefinition, reporter.handlers());
  return reporter;
}

/**
 * One health check. Resolves the status (SERVICE_UNKNOWN when the server has none for that
 * name); rejects with an RpcError when the server cannot be reached within timeoutMs.
 */
export function checkHealth(
  client: HealthClient,
  service: string = OVERALL_HEALTH,
  opts: { timeoutMs?: number } = {},
): Promise<HealthStatus> {
  const deadline = Date.now() + (opts.timeoutMs ?? 5_000);
  return new Promise((resolve, reject) => {
    client.Check({ service }, { deadline }, (err, res) => {
      if (err) {
        if (err.code === grpc.status.NOT_FOUND) resolve('SERVICE_UNKNOWN');
        else reject(fromServiceError(err));
        return;
      }
      resolve(res?.status ?? 'UNKNOWN');
    });
  });
}
