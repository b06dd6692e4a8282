import { X509Certificate, createPrivateKey } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { readCertificateInfo, type CertificateInfo } from '../certificate-info.js';
import { certificateDers } from '../pem.js';
import { CA_CERT_FILE, fileMode, renewAt, roleOf, serviceNames, usageOf } from './cert-dir.js';

export interface InspectResult {
  lines: string[];
  /** Expired certificates, keys that do not match, broken chains, keys readable by others. */
  problems: string[];
}

const DAY_MS = 86_400_000;

function describe(info: CertificateInfo, now: number, indent: string): string[] {
  const days = (info.notAfter.getTime() - now) / DAY_MS;
  const expiry = days <= 0 ? `EXPIRED ${(-days).toFixed(1)} days ago` : `expires in ${days.toFixed(1)} days`;
  const lines = [
    `${indent}subject:  ${info.subject}`,
    `${indent}issuer:   ${info.issuer}`,
    `${indent}serial:   ${info.serialNumber}`,
    `${indent}valid:    ${info.notBefore.toISOString()} .. ${info.notAfter.toISOString()} (${expiry})`,
  ];
  if (info.isCa) {
    lines.push(`${indent}type:     CA; rotates after ${renewAt(info).toISOString()}`);
  } else {
    lines.push(`${indent}role:     ${roleOf(info) ?? '(none)'}   usage: ${usageOf(info) ?? '(none)'}   renew after: ${renewAt(info).toISOString()}`);
    lines.push(`${indent}DNS:      ${info.dnsNames.join(', ') || '-'}`);
    lines.push(`${indent}IP:       ${info.ipAddresses.join(', ') || '-'}`);
    lines.push(`${indent}URI:      ${info.uris.join(', ') || '-'}`);
  }
  return lines;
}

/** Certificates of a file (every block); for a tls.crt also checks its key and chain against the ca.crt beside it. */
export function inspectFile(path: string, now: number, result: InspectResult): void {
  let ders: Buffer[];
  try {
    ders = certificateDers(readFileSync(path));
  } catch (err) {
    result.problems.push(`${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    return;
  }
  if (ders.length === 0) {
    result.problems.push(`${path}: no PEM certificate`);
    return;
  }
  result.lines.push(path);
  ders.forEach((der, i) => {
    let info;
    try {
      info = readCertificateInfo(der);
    } catch (err) {
      result.problems.push(`${path}: certificate #${i + 1} does not parse (${(err as Error).message})`);
      return;
    }
    if (ders.length > 1) result.lines.push(`  [${i}]`);
    result.lines.push(...describe(info, now, ders.length > 1 ? '      ' : '  '));
    if (info.notAfter.getTime() <= now) result.problems.push(`${path}: ${info.subject} expired at ${info.notAfter.toISOString()}`);
  });
  if (basename(path) !== 'tls.crt') return;
  const keyPath = join(dirname(path), 'tls.key');
  const caPath = join(dirname(path), CA_CERT_FILE);
  const leaf = new X509Certificate(ders[0]!);
  if (existsSync(keyPath)) {
    try {
      if (!leaf.checkPrivateKey(createPrivateKey(readFileSync(keyPath)))) result.problems.push(`${keyPath} does not belong to ${path}`);
    } catch (err) {
      result.problems.push(`${keyPath}: does not parse (${(err as Error).message})`);
    }
    const mode = fileMode(keyPath);
    if ((mode & 0o077) !== 0) result.problems.push(`${keyPath} is readable by others (mode ${mode.toString(8)}); it must be 0600`);
  }
  if (existsSync(caPath)) {
    const cas = certificateDers(readFileSync(caPath)).map((der) => new X509Certificate(der));
    const issuer = cas.findIndex((ca) => leaf.checkIssued(ca) && leaf.verify(ca.publicKey));
    if (issuer < 0) result.problems.push(`${path} is not signed by any CA in ${caPath}`);
    else result.lines.push(`  chain:    signed by CA [${issuer}] of ${caPath}`);
  }
}

export function inspectCertDir(dir: string, now: number): InspectResult {
  const result: InspectResult = { lines: [], problems: [] };
  inspectFile(join(dir, CA_CERT_FILE), now, result);
  const caKey = join(dir, 'ca.key');
  if (existsSync(caKey) && (fileMode(caKey) & 0o077) !== 0) result.problems.push(`${caKey} is readable by others; it must be 0600`);
  for (const name of serviceNames(dir)) inspectFile(join(dir, name, 'tls.crt'), now, result);
  return result;
}
