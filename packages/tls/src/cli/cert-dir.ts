import { X509Certificate, createPrivateKey } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readCertificateInfo, type CertificateInfo } from '../certificate-info.js';
import { certificateDers, toPem } from '../pem.js';
import type { CertificateUsage } from '../issue-certificate.js';
import { parseIdentityUri, type ServiceRole } from '../service-role.js';

/**
 * The dfcert directory: <dir>/ca.crt (the signing CA first, then during a rotation the previous
 * CA), <dir>/ca.key, and one <dir>/<name>/{ca.crt,tls.crt,tls.key} per service.
 */
export const CA_CERT_FILE = 'ca.crt';
export const CA_KEY_FILE = 'ca.key';

export class DfcertError extends Error {
  override readonly name = 'DfcertError';
}

export interface CaBundle {
  /** PEM of each CA in ca.crt, signing CA first. */
  pems: string[];
  infos: CertificateInfo[];
  keyPem: string;
}

export function readCaBundle(dir: string): CaBundle {
  const certPath = join(dir, CA_CERT_FILE);
  const keyPath = join(dir, CA_KEY_FILE);
  if (!existsSync(certPath) || !existsSync(keyPath)) {
    throw new DfcertError(`${dir} has no ${CA_CERT_FILE} and ${CA_KEY_FILE}; run \`dfcert init --dir ${dir}\` first`);
  }
  const ders = certificateDers(readFileSync(certPath));
  if (ders.length === 0) throw new DfcertError(`${certPath} holds no PEM certificate`);
  const keyPem = readFileSync(keyPath, 'utf8');
  let key;
  try {
    key = createPrivateKey(keyPem);
  } catch (err) {
    throw new DfcertError(`${keyPath} does not parse as a private key (${(err as Error).message})`);
  }
  if (!new X509Certificate(ders[0]!).checkPrivateKey(key)) {
    throw new DfcertError(`${keyPath} does not belong to the first certificate in ${certPath}`);
  }
  return { pems: ders.map((der) => toPem('CERTIFICATE', der)), infos: ders.map((der) => readCertificateInfo(der)), keyPem };
}

/** Service directories: sub-directories that hold a tls.crt. */
export function serviceNames(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.') && existsSync(join(dir, entry.name, 'tls.crt')))
    .map((entry) => entry.name)
    .sort();
}

export function usageOf(info: CertificateInfo): CertificateUsage | undefined {
  const server = info.extKeyUsage.includes('serverAuth');
  const client = info.extKeyUsage.includes('clientAuth');
  if (server && client) return 'dual';
  if (server) return 'server';
  if (client) return 'client';
  return undefined;
}

export function roleOf(info: CertificateInfo): ServiceRole | undefined {
  for (const uri of info.uris) {
    const identity = parseIdentityUri(uri);
    if (identity) return identity.role;
  }
  return undefined;
}

/** The moment a certificate is due for renewal: 2/3 of its validity has passed. */
export function renewAt(info: CertificateInfo): Date {
  const start = info.notBefore.getTime();
  return new Date(start + ((info.notAfter.getTime() - start) * 2) / 3);
}

export function isSignedBy(certDer: Buffer, caDer: Buffer): boolean {
  const cert = new X509Certificate(certDer);
  const ca = new X509Certificate(caDer);
  return cert.checkIssued(ca) && cert.verify(ca.publicKey);
}

export function fileMode(path: string): number {
  return statSync(path).mode & 0o777;
}
