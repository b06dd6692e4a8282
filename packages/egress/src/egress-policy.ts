import { classifyAddress } from './address-class.js';
import type { AddressKind } from './address-class.js';
import { EgressError } from './egress-error.js';
import { formatIp, inPrefix, parseIp } from './ip-address.js';
import type { IpAddress } from './ip-address.js';

/** Kinds that no allow-list entry can admit. */
const NEVER: readonly AddressKind[] = ['unspecified', 'multicast', 'broadcast'];

const HOST_NAME = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

export type EgressDecision = { allowed: true; kind: AddressKind } | { allowed: false; kind: AddressKind; reason: string };

/**
 * Which destinations outbound requests may reach. Public unicast addresses are reachable; any other
 * address only when an allow-list entry admits it: a CIDR ("10.1.0.0/16", "fd00::/8", a bare IP) that
 * contains the address (or the IPv4 address an IPv6 form carries), or a host name ("registry.corp",
 * "*.corp" for any subdomain) equal to the URL's host.
 */
export class EgressPolicy {
  private readonly cidrs: { network: IpAddress; prefix: number }[] = [];
  private readonly names = new Set<string>();
  private readonly suffixes: string[] = [];

  /** Why `entry` is not a valid allow-list entry, or undefined when it is (for config validation). */
  static entryProblem(entry: string): string | undefined {
    try {
      new EgressPolicy({ allow: [entry] });
      return undefined;
    } catch (err) {
      return (err as Error).message;
    }
  }

  constructor(opts: { allow?: readonly string[] } = {}) {
    for (const raw of opts.allow ?? []) this.add(raw);
  }

  private add(raw: string): void {
    const entry = raw.trim().toLowerCase();
    const [addr = '', prefixText, extra] = entry.split('/');
    const ip = parseIp(addr);
    if (ip !== undefined && extra === undefined) {
      const max = ip.family === 4 ? 32 : 128;
      const prefix = prefixText === undefined ? max : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
      if (!(prefix >= 0 && prefix <= max)) throw new EgressError('DF_ERR_EGRESS_CONFIG', `allow-list entry ${JSON.stringify(raw)}: prefix length must be 0–${max}`);
      this.cidrs.push({ network: ip, prefix });
      return;
    }
    if (prefixText !== undefined || !HOST_NAME.test(entry) || entry.length > 253) {
      throw new EgressError('DF_ERR_EGRESS_CONFIG', `allow-list entry ${JSON.stringify(raw)} is neither a CIDR ("10.0.0.0/8", "fd00::/8") nor a host name ("registry.local", "*.corp")`);
    }
    if (entry.startsWith('*.')) this.suffixes.push(entry.slice(1));
    else this.names.add(entry);
  }

  /** True when the URL host (lower-case, no brackets) is named by the allow-list. */
  admitsHost(host: string): boolean {
    const h = host.toLowerCase().replace(/\.$/, '');
    return this.names.has(h) || this.suffixes.some((s) => h.endsWith(s) && h.length > s.length);
  }

  private admitsAddress(ip: IpAddress, embedded: IpAddress | undefined): boolean {
    return this.cidrs.some((c) => inPrefix(ip, c.network, c.prefix) || (embedded !== undefined && inPrefix(embedded, c.network, c.prefix)));
  }

  /** Decides whether a connection to `address` (resolved from `host`) may be made. */
  check(host: string, address: IpAddress): EgressDecision {
    const cls = classifyAddress(address);
    if (cls.kind === 'public') return { allowed: true, kind: cls.kind };
    const shown = formatIp(address) + (cls.embeddedV4 === undefined ? '' : ` (IPv4 ${formatIp(cls.embeddedV4)})`);
    if (NEVER.includes(cls.kind)) return { allowed: false, kind: cls.kind, reason: `${host} resolves to ${shown}, a ${cls.kind} address, which is never reachable` };
    if (this.admitsHost(host) || this.admitsAddress(address, cls.embeddedV4)) return { allowed: true, kind: cls.kind };
    return { allowed: false, kind: cls.kind, reason: `${host} resolves to ${shown}, a ${cls.kind} address; add it to the egress allow-list to reach it` };
  }
}
