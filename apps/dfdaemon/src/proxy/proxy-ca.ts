import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '@d7y/logger';
import { CertificateIssuer, createCa, writeFileAtomic, type CertificateAuthority } from '@d7y/tls';

export interface ProxyCaOptions {
  /** PEM paths from proxy.server.caCert / caKey. */
  caCert?: string;
  caKey?: string;
  /** Where a generated CA lives (`ca.crt`, `ca.key`), created 0700. */
  dir: string;
  logger: Logger;
}

export const PROXY_CA_FILES = { cert: 'ca.crt', key: 'ca.key' } as const;

/**
 * The CA that signs interception certificates: the configured one, else the one generated on a
 * previous start, else a new one (persisted: key 0600). Its path is logged so users can trust it.
 * A configured CA that does not load is an error (upstream silently falls back to no CA).
 */
export function loadProxyCa(opts: ProxyCaOptions): CertificateAuthority {
  const log = opts.logger.child({ component: 'proxy' });
  if (opts.caCert !== undefined && opts.caKey !== undefined) {
    const ca = { certPem: readFileSync(opts.caCert, 'utf8'), keyPem: readFileSync(opts.caKey, 'utf8') };
    new CertificateIssuer(ca); // throws with a clear message when the pair is unusable
    log.info({ caCert: opts.caCert }, 'proxy interception CA loaded');
    return ca;
  }
  const certPath = join(opts.dir, PROXY_CA_FILES.cert);
  const keyPath = join(opts.dir, PROXY_CA_FILES.key);
  let existing: CertificateAuthority | undefined;
  try {
    existing = { certPem: readFileSync(certPath, 'utf8'), keyPem: readFileSync(keyPath, 'utf8') };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (existing !== undefined) {
    new CertificateIssuer(existing);
    log.info({ caCert: certPath }, 'proxy interception CA loaded (generated earlier); clients must trust it');
    return existing;
  }
  const ca = createCa({ commonName: 'Dragonfly proxy CA' });
  mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
  writeFileAtomic(keyPath, ca.keyPem, 0o600);
  writeFileAtomic(certPath, ca.certPem, 0o644);
  log.warn({ caCert: certPath }, 'generated a proxy interception CA; clients must trust it to use HTTPS through the proxy');
  return ca;
}
