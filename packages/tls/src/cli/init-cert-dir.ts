import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createCa } from '../create-ca.js';
import { CertificateIssuer, type CertificateUsage } from '../issue-certificate.js';
import type { ServiceRole } from '../service-role.js';
import { writeFileAtomic, writeTlsDir } from '../write-tls-dir.js';
import { CA_CERT_FILE, CA_KEY_FILE, DfcertError } from './cert-dir.js';

export interface ServiceSpec {
  name: string;
  role: ServiceRole;
  usage: CertificateUsage;
  commonName: string;
  /** Whether the host names and IPs go into the certificate (servers are dialled by them). */
  withHosts: boolean;
}

// Every service both serves and dials gRPC, so it gets a dual-use certificate; the operator's is client-only.
export const INIT_SERVICES: readonly ServiceSpec[] = [
  { name: 'manager', role: 'manager', usage: 'dual', commonName: 'manager', withHosts: true },
  { name: 'scheduler', role: 'scheduler', usage: 'dual', commonName: 'scheduler', withHosts: true },
  { name: 'dfdaemon', role: 'dfdaemon', usage: 'dual', commonName: 'dfdaemon', withHosts: true },
  { name: 'client', role: 'client', usage: 'client', commonName: 'operator', withHosts: false },
];

export interface InitOptions {
  dir: string;
  dnsNames: string[];
  ipAddresses: string[];
  caDays: number;
  days: number;
  force: boolean;
  caCommonName?: string;
}

export function initCertDir(opts: InitOptions): string[] {
  const caKeyPath = join(opts.dir, CA_KEY_FILE);
  if (existsSync(caKeyPath) && !opts.force) {
    throw new DfcertError(`${caKeyPath} already exists; use \`dfcert renew\` to renew, or --force to start over with a new CA`);
  }
  mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
  const ca = createCa({ validityDays: opts.caDays, ...(opts.caCommonName ? { commonName: opts.caCommonName } : {}) });
  const issuer = new CertificateIssuer(ca);
  // issue everything before writing anything, so a bad option leaves the directory untouched
  const issued = INIT_SERVICES.map((service) => ({
    service,
    leaf: issuer.issue({
      commonName: service.commonName,
      role: service.role,
      usage: service.usage,
      validityDays: opts.days,
      ...(service.withHosts ? { dnsNames: opts.dnsNames, ipAddresses: opts.ipAddresses } : {}),
    }),
  }));
  writeFileAtomic(caKeyPath, ca.keyPem, 0o600);
  writeFileAtomic(join(opts.dir, CA_CERT_FILE), ca.certPem, 0o644);
  for (const { service, leaf } of issued) {
    writeTlsDir(join(opts.dir, service.name), { caPem: ca.certPem, certPem: leaf.certPem, keyPem: leaf.keyPem });
  }
  return issued.map(({ service }) => service.name);
}
