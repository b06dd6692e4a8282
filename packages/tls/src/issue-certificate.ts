import { X509Certificate, createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import * as der from './der.js';
import { OID, readCertificateInfo, type CertificateInfo } from './certificate-info.js';
import { encodeName, extension, keyIdentifier, signCertificate } from './certificate-builder.js';
import { CLOCK_SKEW_MS, DAY_MS, checkDate, checkValidityDays, type CertificateAuthority } from './create-ca.js';
import { ipToBytes } from './ip-address.js';
import { NAME_PATTERN, SERVICE_ROLES, identityUri, isServiceRole, type ServiceRole } from './service-role.js';

export type CertificateUsage = 'server' | 'client' | 'dual';
export const CERTIFICATE_USAGES: readonly CertificateUsage[] = ['server', 'client', 'dual'];

/** ECDSA P-256 keys take ~0.1 ms to make; RSA-2048 ~50 ms (see bench/tls). */
export type LeafKeyType = 'ec-p256' | 'rsa-2048';

export interface IssueCertificateOptions {
  /** Also the hostname of the identity URI spiffe://dragonfly/<role>/<commonName>. */
  commonName: string;
  role: ServiceRole;
  usage: CertificateUsage;
  dnsNames?: string[];
  ipAddresses?: string[];
  validityDays?: number;
  notBefore?: Date;
  /** Overrides validityDays. Never later than the CA's own notAfter (clamped). */
  notAfter?: Date;
  keyType?: LeafKeyType;
}

export interface IssuedCertificate {
  certPem: string;
  keyPem: string;
}

export const DEFAULT_LEAF_VALIDITY_DAYS = 90;

const DNS_NAME = /^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

export function isDnsName(name: string): boolean {
  return name.length <= 253 && DNS_NAME.test(name);
}

function checkList(value: unknown, what: string, valid: (item: string) => boolean): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new Error(`issueCertificate: ${what} must be an array of strings`);
  for (const item of value) {
    if (typeof item !== 'string' || !valid(item)) throw new Error(`issueCertificate: invalid ${what} entry ${JSON.stringify(item)}`);
  }
  return [...new Set(value as string[])];
}

function generateLeafKey(keyType: LeafKeyType): { publicKey: KeyObject; privateKey: KeyObject } {
  switch (keyType) {
    case 'ec-p256':
      return generateKeyPairSync('ec', { namedCurve: 'P-256' });
    case 'rsa-2048':
      return generateKeyPairSync('rsa', { modulusLength: 2048 });
    default:
      throw new Error(`issueCertificate: keyType must be 'ec-p256' or 'rsa-2048', got ${JSON.stringify(keyType)}`);
  }
}

/** Parses the CA once; issue() then costs one key generation and one signature. */
export class CertificateIssuer {
  readonly ca: CertificateInfo;
  private readonly caKey: KeyObject;

  constructor(authority: CertificateAuthority) {
    if (!authority || typeof authority.certPem !== 'string' || typeof authority.keyPem !== 'string') {
      throw new Error('CertificateIssuer: ca must be { certPem: string; keyPem: string }');
    }
    // a CA file may be a rotation bundle (new CA first, then the previous one): the first one signs
    this.ca = readCertificateInfo(authority.certPem);
    this.caKey = createPrivateKey(authority.keyPem);
    if (!new X509Certificate(this.ca.der).checkPrivateKey(this.caKey)) {
      throw new Error('CertificateIssuer: the CA key does not belong to the CA certificate');
    }
    if (!this.ca.isCa) throw new Error('CertificateIssuer: the CA certificate is not a CA (basicConstraints cA is false)');
  }

  issue(opts: IssueCertificateOptions): IssuedCertificate {
    if (!opts || typeof opts !== 'object') throw new Error('issueCertificate: options are required');
    const { commonName, role, usage } = opts;
    if (typeof commonName !== 'string' || !NAME_PATTERN.test(commonName)) {
      throw new Error(`issueCertificate: commonName must match ${NAME_PATTERN.source}, got ${JSON.stringify(commonName)}`);
    }
    if (!isServiceRole(role)) throw new Error(`issueCertificate: role must be one of ${SERVICE_ROLES.join(', ')}, got ${JSON.stringify(role)}`);
    if (!CERTIFICATE_USAGES.includes(usage)) {
      throw new Error(`issueCertificate: usage must be one of ${CERTIFICATE_USAGES.join(', ')}, got ${JSON.stringify(usage)}`);
    }
    const dnsNames = checkList(opts.dnsNames, 'dnsNames', isDnsName);
    const ipAddresses = checkList(opts.ipAddresses, 'ipAddresses', (ip) => isIP(ip) !== 0);
    const notBefore = opts.notBefore ? checkDate(opts.notBefore, 'issueCertificate: notBefore') : new Date(Date.now() - CLOCK_SKEW_MS);
    let notAfter = opts.notAfter
      ? checkDate(opts.notAfter, 'issueCertificate: notAfter')
      : new Date(notBefore.getTime() + checkValidityDays(opts.validityDays ?? DEFAULT_LEAF_VALIDITY_DAYS, 'issueCertificate') * DAY_MS);
    if (notAfter.getTime() > this.ca.notAfter.getTime()) notAfter = this.ca.notAfter;
    if (notAfter.getTime() <= notBefore.getTime()) throw new Error('issueCertificate: notAfter must be after notBefore (and before the CA expires)');

    const keyType = opts.keyType ?? 'ec-p256';
    const { publicKey, privateKey } = generateLeafKey(keyType);
    const spki = publicKey.export({ type: 'spki', format: 'der' });
    const purposes: string[] = [];
    if (usage === 'server' || usage === 'dual') purposes.push(OID.serverAuth);
    if (usage === 'client' || usage === 'dual') purposes.push(OID.clientAuth);
    const altNames = [
      ...dnsNames.map((name) => der.implicit(2, der.ia5(name))),
      ...ipAddresses.map((ip) => der.implicit(7, ipToBytes(ip))),
      der.implicit(6, der.ia5(identityUri(role, commonName))),
    ];
    const extensions = [
      extension(OID.basicConstraints, true, der.sequence()),
      // digitalSignature(0); RSA keys also keyEncipherment(2) for TLS 1.2 RSA key exchange
      extension(OID.keyUsage, true, der.namedBits(keyType === 'rsa-2048' ? [0, 2] : [0])),
      extension(OID.extKeyUsage, false, der.sequence(...purposes.map((purpose) => der.oid(purpose)))),
      extension(OID.subjectAltName, false, der.sequence(...altNames)),
      extension(OID.subjectKeyIdentifier, false, der.octetString(keyIdentifier(spki))),
    ];
    if (this.ca.subjectKeyId) {
      extensions.push(extension(OID.authorityKeyIdentifier, false, der.sequence(der.implicit(0, this.ca.subjectKeyId))));
    }
    const certPem = signCertificate({
      subject: encodeName({ organization: 'dragonfly', organizationalUnit: role, commonName }),
      issuer: this.ca.subjectDer,
      subjectPublicKey: publicKey,
      issuerKey: this.caKey,
      notBefore,
      notAfter,
      extensions,
    });
    return { certPem, keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
  }
}

export function issueCertificate(ca: CertificateAuthority, opts: IssueCertificateOptions): IssuedCertificate {
  return new CertificateIssuer(ca).issue(opts);
}
