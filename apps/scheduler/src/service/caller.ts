/** Roles a client certificate can carry (see @d7y/tls). */
export type CallerRole = 'manager' | 'scheduler' | 'dfdaemon' | 'client';

/** Who is calling, from the verified client certificate. */
export interface Caller {
  role: CallerRole;
  /** Hostname carried by the certificate. */
  hostname: string;
  /** Quota and rate-limit key: `<role>:<hostname>`. */
  identity: string;
}

export function callerOf(role: CallerRole, hostname: string): Caller {
  return { role, hostname, identity: `${role}:${hostname}` };
}
