import { X509Certificate, createHash, createPrivateKey } from 'node:crypto';
import { readCertificateInfo, type CertificateInfo } from './certificate-info.js';
import { certificateDers } from './pem.js';

/** PEM bytes as they sit in ca.crt, tls.crt and tls.key. */
export interface TlsMaterial {
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

export interface TlsMaterialInput {
  ca: string | Buffer;
  cert: string | Buffer;
  key: string | Buffer;
}

export interface CheckedTlsMaterial {
  material: TlsMaterial;
  leaf: CertificateInfo;
  caCertificates: CertificateInfo[];
}

export class TlsMaterialError extends Error {
  override readonly name = 'TlsMaterialError';
}

function toBuffer(value: string | Buffer, what: string): Buffer {
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  if (Buffer.isBuffer(value)) return value;
  throw new TlsMaterialError(`${what} must be PEM text (string or Buffer)`);
}

function parseAll(pem: Buffer, file: string): X509Certificate[] {
  const ders = certificateDers(pem);
  if (ders.length === 0) throw new TlsMaterialError(`${file} holds no PEM CERTIFICATE block`);
  return ders.map((der, i) => {
    try {
      return new X509Certificate(der);
    } catch (err) {
      throw new TlsMaterialError(`${file}: certificate #${i + 1} does not parse (${(err as Error).message})`);
    }
  });
}

function signedBy(child: X509Certificate, issuer: X509Certificate): boolean {
  return child.checkIssued(issuer) && child.verify(issuer.publicKey);
}

/**
 * Check that the files make a usable identity: every block parses, the key belongs to the leaf,
 * the leaf (through any intermediates in tls.crt) chains to a CA in ca.crt, and it has not expired.
 * Throws TlsMaterialError naming the file and the reason.
 */
export function checkTlsMaterial(input: TlsMaterialInput, now = Date.now()): CheckedTlsMaterial {
  if (!input || typeof input !== 'object') throw new TlsMaterialError('TLS material must be { ca, cert, key }');
  const material: TlsMaterial = {
    ca: toBuffer(input.ca, 'ca'),
    cert: toBuffer(input.cert, 'cert'),
    key: toBuffer(input.key, 'key'),
  };
  const cas = parseAll(material.ca, 'ca.crt');
  const caCertificates = cas.map((ca) => readCertificateInfo(ca));
  caCertificates.forEach((info, i) => {
    if (!info.isCa) throw new TlsMaterialError(`ca.crt: certificate #${i + 1} (${info.subject}) is not a CA`);
  });
  const chain = parseAll(material.cert, 'tls.crt');
  const leaf = chain[0]!;
  let key;
  try {
    key = createPrivateKey(material.key);
  } catch (err) {
    throw new TlsMaterialError(`tls.key does not parse as a private key (${(err as Error).message})`);
  }
  if (!leaf.checkPrivateKey(key)) throw new TlsMaterialError('tls.key does not belong to the certificate in tls.crt');
  let current = leaf;
  for (let depth = 0; ; depth++) {
    if (cas.some((ca) => signedBy(current, ca))) break;
    const next = chain.slice(1).find((candidate) => candidate !== current && signedBy(current, candidate));
    if (!next || depth > 8) throw new TlsMaterialError('tls.crt is not signed by any CA in ca.crt');
    current = next;
  }
  const leafInfo = readCertificateInfo(leaf);
  if (leafInfo.notAfter.getTime() <= now) throw new TlsMaterialError(`tls.crt expired at ${leafInfo.notAfter.toISOString()}`);
  return { material, leaf: leafInfo, caCertificates };
}

export function materialFingerprint(material: TlsMaterial): string {
  return createHash('sha256').update(material.ca).update('\0').update(material.cert).update('\0').update(material.key).digest('hex');
}

export function sameMaterial(a: TlsMaterial, b: TlsMaterial): boolean {
  return a.ca.equals(b.ca) && a.cert.equals(b.cert) && a.key.equals(b.key);
}
