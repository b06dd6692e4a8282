import { isIPv4, isIPv6 } from 'node:net';
import { InvalidIdError } from './invalid-id-error.js';

/** Suffix upstream appends to the host and peer IDs of seed peers. */
export const SEED_SUFFIX = 'seed';

// RFC 1123 limits a host name to 253 characters; we also allow '_' because real machines use it.
const MAX_HOSTNAME_LENGTH = 253;
const HOSTNAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Host ID as the upstream Rust client builds it: `<ip>-<hostname>`, and `<ip>-<hostname>-seed`
 * for a seed peer. The host name keeps its case (upstream does not normalise it).
 */
export function hostId(hostname: string, ip: string, seed = false): string {
  const reason = checkIp(ip) ?? checkHostname(hostname);
  if (reason !== undefined) throw new InvalidIdError('host', `${ip}-${hostname}`, reason);
  return seed ? `${ip}-${hostname}-${SEED_SUFFIX}` : `${ip}-${hostname}`;
}

export function isHostId(value: unknown): value is string {
  return hostIdProblem(value) === undefined;
}

export function assertHostId(value: unknown): asserts value is string {
  const reason = hostIdProblem(value);
  if (reason !== undefined) throw new InvalidIdError('host', value, reason);
}

/** Why `value` is not a host ID, or undefined when it is one. Shared with the peer ID validator. */
export function hostIdProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'expected a string';
  if (value.length === 0) return 'empty';
  // IPv4 and IPv6 addresses never contain '-', so the first '-' ends the address.
  const dash = value.indexOf('-');
  if (dash < 0) return 'expected "<ip>-<hostname>"';
  return checkIp(value.slice(0, dash)) ?? checkHostname(value.slice(dash + 1));
}

function checkIp(ip: string): string | undefined {
  return isIPv4(ip) || isIPv6(ip) ? undefined : `${JSON.stringify(ip.slice(0, 64))} is not an IPv4 or IPv6 address`;
}

function checkHostname(hostname: string): string | undefined {
  if (hostname.length === 0) return 'empty hostname';
  if (hostname.length > MAX_HOSTNAME_LENGTH) return `hostname longer than ${MAX_HOSTNAME_LENGTH} characters`;
  if (!HOSTNAME.test(hostname)) return 'hostname must be letters, digits, ".", "_" or "-", starting with a letter or digit';
  return undefined;
}
