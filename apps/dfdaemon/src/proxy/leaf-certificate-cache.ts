import { isIP } from 'node:net';
import { createSecureContext, type SecureContext } from 'node:tls';
import { CertificateIssuer, type CertificateAuthority } from '@d7y/tls';

export interface LeafCertificateCacheDeps {
  ca: CertificateAuthority;
  /** Hosts kept (least recently used evicted first). Upstream keeps 1000. */
  maxEntries?: number;
  /** Leaf validity; an entry is re-issued after half of it. */
  validityDays?: number;
  now?: () => number;
}

interface Entry {
  context: SecureContext;
  renewAt: number;
}

const DAY_MS = 86_400_000;

/**
 * Per-host server certificates for intercepted CONNECTs, signed by the proxy CA (ECDSA P-256, one
 * key generation and one signature per host, well under a millisecond each), held in a bounded LRU.
 */
export class LeafCertificateCache {
  private readonly issuer: CertificateIssuer;
  private readonly entries = new Map<string, Entry>();
  private readonly maxEntries: number;
  private readonly validityDays: number;
  private readonly now: () => number;
  private issuedCount = 0;

  constructor(deps: LeafCertificateCacheDeps) {
    this.issuer = new CertificateIssuer(deps.ca);
    this.maxEntries = deps.maxEntries ?? 1000;
    this.validityDays = deps.validityDays ?? 7;
    this.now = deps.now ?? Date.now;
    if (!Number.isInteger(this.maxEntries) || this.maxEntries < 1) throw new RangeError('maxEntries must be a positive integer');
  }

  get size(): number {
    return this.entries.size;
  }

  /** Certificates issued so far (cache misses). */
  get issued(): number {
    return this.issuedCount;
  }

  /** The TLS context for `host` (a DNS name or an IP address). */
  get(host: string): SecureContext {
    const key = host.toLowerCase();
    const now = this.now();
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      this.entries.delete(key);
      if (hit.renewAt > now) {
        this.entries.set(key, hit); // most recently used last
        return hit.context;
      }
    }
    const ip = isIP(key) !== 0;
    const leaf = this.issuer.issue({
      // the name clients check is in the SANs; the common name is fixed (it must be short and simple)
      commonName: 'dragonfly-proxy',
      role: 'dfdaemon',
      usage: 'server',
      ...(ip ? { ipAddresses: [key] } : { dnsNames: [key] }),
      validityDays: this.validityDays,
    });
    this.issuedCount++;
    const context = createSecureContext({ cert: leaf.certPem, key: leaf.keyPem, minVersion: 'TLSv1.2' });
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { context, renewAt: now + (this.validityDays * DAY_MS) / 2 });
    return context;
  }
}
