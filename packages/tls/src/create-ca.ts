import { generateKeyPairSync } from 'node:crypto';
import * as der from './der.js';
import { OID } from './certificate-info.js';
import { encodeName, extension, keyIdentifier, signCertificate } from './certificate-builder.js';

export interface CertificateAuthority {
  certPem: string;
  keyPem: string;
}

export interface CreateCaOptions {
  commonName?: string;
  validityDays?: number;
  notBefore?: Date;
}

export const DEFAULT_CA_VALIDITY_DAYS = 3650;
export const DAY_MS = 86_400_000;
/** Certificates start a minute in the past so a peer whose clock is slightly behind accepts them. */
export const CLOCK_SKEW_MS = 60_000;

export function checkValidityDays(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > 36_500) {
    throw new Error(`${what}: validityDays must be a number of days in (0, 36500], got ${JSON.stringify(value)}`);
  }
  return value;
}

export function checkDate(value: unknown, what: string): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new Error(`${what} must be a valid Date`);
  return value;
}

/** A self-signed CA (ECDSA P-256) that may sign leaf certificates only (pathLen 0). */
export function createCa(opts: CreateCaOptions = {}): CertificateAuthority {
  const commonName = opts.commonName ?? 'Dragonfly CA';
  if (typeof commonName !== 'string' || commonName.trim() === '' || commonName.length > 64) {
    throw new Error('createCa: commonName must be a non-empty string of at most 64 characters');
  }
  const validityDays = checkValidityDays(opts.validityDays ?? DEFAULT_CA_VALIDITY_DAYS, 'createCa');
  const notBefore = opts.notBefore ? checkDate(opts.notBefore, 'createCa: notBefore') : new Date(Date.now() - CLOCK_SKEW_MS);
  const notAfter = new Date(notBefore.getTime() + validityDays * DAY_MS);
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const name = encodeName({ organization: 'dragonfly', commonName });
  const certPem = signCertificate({
    subject: name,
    issuer: name,
    subjectPublicKey: publicKey,
    issuerKey: privateKey,
    notBefore,
    notAfter,
    extensions: [
      extension(OID.basicConstraints, true, der.sequence(der.boolean(true), der.smallInteger(0))),
      // digitalSignature(0), keyCertSign(5), cRLSign(6)
      extension(OID.keyUsage, true, der.namedBits([0, 5, 6])),
      extension(OID.subjectKeyIdentifier, false, der.octetString(keyIdentifier(publicKey.export({ type: 'spki', format: 'der' })))),
    ],
  });
  return { certPem, keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}
