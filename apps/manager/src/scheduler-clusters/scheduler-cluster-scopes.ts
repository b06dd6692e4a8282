import { isIP } from 'node:net';
import { validationError } from '../errors.js';
import type { SchedulerClusterScopes } from './scheduler-cluster-repository.js';

/** Rejects scopes the searcher could not use: malformed CIDRs, hostname patterns that are not regular expressions. */
export function checkScopes(scopes: SchedulerClusterScopes): void {
  for (const cidr of scopes.cidrs ?? []) {
    const [addr, bits, extra] = cidr.split('/');
    const family = isIP(addr ?? '');
    const prefix = Number(bits);
    const max = family === 6 ? 128 : 32;
    if (extra !== undefined || family === 0 || bits === undefined || !/^\d{1,3}$/.test(bits) || prefix > max) {
      throw validationError(`scopes.cidrs: ${JSON.stringify(cidr)} is not a CIDR block like 10.0.0.0/8`);
    }
  }
  for (const pattern of scopes.hostnames ?? []) {
    try {
      new RegExp(pattern);
    } catch {
      throw validationError(`scopes.hostnames: ${JSON.stringify(pattern)} is not a valid regular expression`);
    }
  }
}
