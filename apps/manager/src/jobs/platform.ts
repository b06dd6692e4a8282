/** An image platform as "os/architecture[/variant]" (e.g. linux/amd64, linux/arm64/v8). */
export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

const PART = /^[a-z0-9_.-]{1,32}$/;

export function parsePlatform(text: string): Platform | undefined {
  const parts = text.trim().toLowerCase().split('/');
  if (parts.length < 2 || parts.length > 3 || !parts.every((p) => PART.test(p))) return undefined;
  const [os = '', architecture = '', variant] = parts;
  return variant === undefined ? { os, architecture } : { os, architecture, variant };
}

export const formatPlatform = (p: Platform): string => [p.os, p.architecture, ...(p.variant === undefined ? [] : [p.variant])].join('/');

/**
 * Whether an index entry's platform satisfies the wanted one: same os and architecture; a wanted
 * variant must be equal (arm64 entries without a variant count as v8, their only variant).
 */
export function platformMatches(wanted: Platform, entry: { os?: string; architecture?: string; variant?: string } | null | undefined): boolean {
  if (entry === null || entry === undefined) return false;
  if (entry.os?.toLowerCase() !== wanted.os || entry.architecture?.toLowerCase() !== wanted.architecture) return false;
  if (wanted.variant === undefined) return true;
  const variant = entry.variant?.toLowerCase() ?? (wanted.architecture === 'arm64' ? 'v8' : undefined);
  return variant === wanted.variant;
}
