import { createHash, randomBytes, sign, type KeyObject } from 'node:crypto';
import * as der from './der.js';
import { OID } from './certificate-info.js';
import { toPem } from './pem.js';

const SIGNATURE_OID = {
  ecdsaSha256: '1.2.840.10045.4.3.2',
  ecdsaSha384: '1.2.840.10045.4.3.3',
  ecdsaSha512: '1.2.840.10045.4.3.4',
  rsaSha256: '1.2.840.113549.1.1.11',
  ed25519: '1.3.101.112',
} as const;

interface SignatureScheme {
  algorithmIdentifier: Buffer;
  digest: string | null;
}

function signatureScheme(key: KeyObject): SignatureScheme {
  switch (key.asymmetricKeyType) {
    case 'ec': {
      const curve = key.asymmetricKeyDetails?.namedCurve;
      // RFC 5758 §3.2: ECDSA algorithm identifiers carry no parameters
      if (curve === 'prime256v1') return { algorithmIdentifier: der.sequence(der.oid(SIGNATURE_OID.ecdsaSha256)), digest: 'sha256' };
      if (curve === 'secp384r1') return { algorithmIdentifier: der.sequence(der.oid(SIGNATURE_OID.ecdsaSha384)), digest: 'sha384' };
      if (curve === 'secp521r1') return { algorithmIdentifier: der.sequence(der.oid(SIGNATURE_OID.ecdsaSha512)), digest: 'sha512' };
      throw new Error(`unsupported EC curve for a CA key: ${String(curve)}`);
    }
    case 'rsa':
      // RFC 4055: RSA PKCS#1 v1.5 identifiers carry an explicit NULL
      return { algorithmIdentifier: der.sequence(der.oid(SIGNATURE_OID.rsaSha256), der.nullValue()), digest: 'sha256' };
    case 'ed25519':
      return { algorithmIdentifier: der.sequence(der.oid(SIGNATURE_OID.ed25519)), digest: null };
    default:
      throw new Error(`unsupported CA key type: ${String(key.asymmetricKeyType)}`);
  }
}

export interface NameAttributes {
  organization?: string;
  organizationalUnit?: string;
  commonName: string;
}

export function encodeName(name: NameAttributes): Buffer {
  const rdn = (oid: string, value: string): Buffer => der.set(der.sequence(der.oid(oid), der.utf8String(value)));
  const rdns: Buffer[] = [];
  if (name.organization) rdns.push(rdn(OID.organization, name.organization));
  if (name.organizationalUnit) rdns.push(rdn(OID.organizationalUnit, name.organizationalUnit));
  rdns.push(rdn(OID.commonName, name.commonName));
  return der.sequence(...rdns);
}

export function extension(oid: string, critical: boolean, value: Buffer): Buffer {
  return critical
    ? der.sequence(der.oid(oid), der.boolean(true), der.octetString(value))
    : der.sequence(der.oid(oid), der.octetString(value));
}

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey BIT STRING contents. */
export function keyIdentifier(spkiDer: Buffer): Buffer {
  const spki = der.readNode(spkiDer);
  const bits = der.children(spki)[1];
  if (!bits) throw new Error('bad SubjectPublicKeyInfo');
  return createHash('sha1').update(der.content(bits).subarray(1)).digest();
}

export interface CertificateSpec {
  subject: Buffer;
  issuer: Buffer;
  subjectPublicKey: KeyObject;
  issuerKey: KeyObject;
  notBefore: Date;
  notAfter: Date;
  extensions: Buffer[];
}

/** Build the TBSCertificate, sign it with node's crypto and return the certificate as PEM. */
export function signCertificate(spec: CertificateSpec): string {
  const scheme = signatureScheme(spec.issuerKey);
  // 159-bit positive serial: RFC 5280 allows up to 20 octets and CAs should use >= 64 random bits
  const serial = randomBytes(20);
  serial[0]! &= 0x7f;
  const spki = spec.subjectPublicKey.export({ type: 'spki', format: 'der' });
  const tbs = der.sequence(
    der.explicit(0, der.smallInteger(2)), // v3
    der.unsignedInteger(serial),
    scheme.algorithmIdentifier,
    spec.issuer,
    der.sequence(der.time(spec.notBefore), der.time(spec.notAfter)),
    spec.subject,
    spki,
    der.explicit(3, der.sequence(...spec.extensions)),
  );
  const signature = sign(scheme.digest, tbs, spec.issuerKey);
  return toPem('CERTIFICATE', der.sequence(tbs, scheme.algorithmIdentifier, der.bitString(signature)));
}
