/** Which Dragonfly service a certificate belongs to; carried in the certificate as a URI SAN. */
export type ServiceRole = 'manager' | 'scheduler' | 'dfdaemon' | 'client';

export const SERVICE_ROLES: readonly ServiceRole[] = ['manager', 'scheduler', 'dfdaemon', 'client'];

export function isServiceRole(value: unknown): value is ServiceRole {
  return typeof value === 'string' && (SERVICE_ROLES as readonly string[]).includes(value);
}

// SPIFFE-style identity: spiffe://dragonfly/<role>/<hostname>
const TRUST_DOMAIN = 'dragonfly';
const IDENTITY_URI = /^spiffe:\/\/dragonfly\/([a-z]+)\/([A-Za-z0-9][A-Za-z0-9._-]*)$/;

/** A hostname-like name: letters, digits, '.', '_', '-'; 1..64 characters (X.520 CN bound). */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function identityUri(role: ServiceRole, hostname: string): string {
  return `spiffe://${TRUST_DOMAIN}/${role}/${hostname}`;
}

export function parseIdentityUri(uri: string): { role: ServiceRole; hostname: string } | undefined {
  const match = IDENTITY_URI.exec(uri);
  if (!match || !isServiceRole(match[1])) return undefined;
  return { role: match[1], hostname: match[2]! };
}
