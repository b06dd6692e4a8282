import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCa, DAY_MS } from '../create-ca.js';
import { readCertificateInfo } from '../certificate-info.js';
import { CertificateIssuer } from '../issue-certificate.js';
import { certificateDers } from '../pem.js';
import { writeFileAtomic, writeTlsDir } from '../write-tls-dir.js';
import { CA_CERT_FILE, CA_KEY_FILE, isSignedBy, readCaBundle, renewAt, roleOf, serviceNames, usageOf } from './cert-dir.js';

export interface RenewOptions {
  dir: string;
  /** Renew every certificate now, due or not. */
  force: boolean;
  /** Rotate the CA now, due or not. */
  rotateCa: boolean;
  /** After a CA rotation, how long services get to load the new CA bundle before leaves signed by the new CA appear. */
  graceMs: number;
  caDays?: number;
  days?: number;
}

export interface RenewDeps {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  print: (line: string) => void;
}

export interface RenewResult {
  rotatedCa: boolean;
  renewed: string[];
  /** Earliest moment something becomes due (for --watch). */
  nextDueAt: Date;
}

/**
 * One renewal pass. The CA rotates once 2/3 of its validity has passed: the new CA is written
 * first together with the old one (bundle new+old) into every service's ca.crt, then, after
 * graceMs, every leaf is re-issued by the new CA. Leaves renew once 2/3 of theirs has passed.
 * Peers that still hold old leaves keep working throughout because every bundle trusts both CAs.
 */
export async function renewCertDir(opts: RenewOptions, deps: RenewDeps): Promise<RenewResult> {
  const { dir } = opts;
  let bundle = readCaBundle(dir);
  const now = deps.now();
  // a CA that has expired no longer signs anything valid: drop it from the bundle
  const live = bundle.infos.map((info, i) => ({ info, pem: bundle.pems[i]! })).filter(({ info }, i) => i === 0 || info.notAfter.getTime() > now);
  const current = bundle.infos[0]!;
  let rotatedCa = false;
  let bundlePems = live.map(({ pem }) => pem);
  if (opts.rotateCa || now >= renewAt(current).getTime()) {
    const periodDays = opts.caDays ?? (current.notAfter.getTime() - current.notBefore.getTime()) / DAY_MS;
    const next = createCa({ validityDays: periodDays, ...(current.commonName ? { commonName: current.commonName } : {}) });
    // keep only the CA being replaced: anything older signed nothing that is still in use
    bundlePems = [next.certPem, bundlePems[0]!];
    writeFileAtomic(join(dir, CA_KEY_FILE), next.keyPem, 0o600);
    writeFileAtomic(join(dir, CA_CERT_FILE), bundlePems.join(''), 0o644);
    for (const name of serviceNames(dir)) writeFileAtomic(join(dir, name, 'ca.crt'), bundlePems.join(''), 0o644);
    deps.print(`rotated the CA: new CA ${readCertificateInfo(next.certPem).serialNumber} valid until ${readCertificateInfo(next.certPem).notAfter.toISOString()}; ca.crt now holds new + previous CA`);
    rotatedCa = true;
    if (opts.graceMs > 0) {
      deps.print(`waiting ${Math.round(opts.graceMs / 1000)}s for services to load the new CA bundle before re-issuing certificates`);
      await deps.sleep(opts.graceMs);
    }
    bundle = readCaBundle(dir);
  } else if (bundlePems.length !== bundle.pems.length) {
    writeFileAtomic(join(dir, CA_CERT_FILE), bundlePems.join(''), 0o644);
    deps.print(`dropped ${bundle.pems.length - bundlePems.length} expired CA certificate(s) from ca.crt`);
  }
  const bundleText = bundlePems.join('');
  const signingCaDer = certificateDers(bundlePems[0]!)[0]!;
  const issuer = new CertificateIssuer({ certPem: bundlePems[0]!, keyPem: bundle.keyPem });
  const renewed: string[] = [];
  let nextDue = renewAt(readCertificateInfo(bundlePems[0]!)).getTime();
  for (const name of serviceNames(dir)) {
    const certPath = join(dir, name, 'tls.crt');
    let info;
    try {
      info = readCertificateInfo(readFileSync(certPath));
    } catch (err) {
      deps.print(`skipping ${name}: ${certPath} does not parse (${(err as Error).message})`);
      continue;
    }
    const role = roleOf(info);
    const usage = usageOf(info);
    if (!role || !usage || !info.commonName) {
      deps.print(`skipping ${name}: ${certPath} has no dragonfly identity (role URI, key usage and common name)`);
      continue;
    }
    const dueAt = renewAt(info).getTime();
    const signedByCurrent = isSignedBy(info.der, signingCaDer);
    if (!opts.force && signedByCurrent && now < dueAt) {
      nextDue = Math.min(nextDue, dueAt);
      if (readFileSync(join(dir, name, 'ca.crt'), 'utf8') !== bundleText) writeFileAtomic(join(dir, name, 'ca.crt'), bundleText, 0o644);
      continue;
    }
    const days = opts.days ?? (info.notAfter.getTime() - info.notBefore.getTime()) / DAY_MS;
    const leaf = issuer.issue({ commonName: info.commonName, role, usage, dnsNames: info.dnsNames, ipAddresses: info.ipAddresses, validityDays: days });
    writeTlsDir(join(dir, name), { caPem: bundleText, certPem: leaf.certPem, keyPem: leaf.keyPem });
    const fresh = readCertificateInfo(leaf.certPem);
    nextDue = Math.min(nextDue, renewAt(fresh).getTime());
    const why = opts.force ? 'forced' : !signedByCurrent ? 'signed by a previous CA' : `2/3 of its validity passed at ${new Date(dueAt).toISOString()}`;
    deps.print(`renewed ${name} (${why}); valid until ${fresh.notAfter.toISOString()}`);
    renewed.push(name);
  }
  if (!rotatedCa && renewed.length === 0) deps.print(`nothing due; next renewal at ${new Date(nextDue).toISOString()}`);
  return { rotatedCa, renewed, nextDueAt: new Date(nextDue) };
}
