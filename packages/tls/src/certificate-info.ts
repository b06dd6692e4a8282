import { X509Certificate } from 'node:crypto';
import { TAG, children, content, decodeOid, decodeTime, expectTag, raw, readNode, type DerNode } from './der.js';
import { bytesToIp } from './ip-address.js';
import { certificateDers } from './pem.js';

export const OID = {
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  organizationalUnit: '2.5.4.11',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
} as const;

const NAME_ATTRIBUTES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
};

/** What we read back from a certificate (parsed from its DER, not from OpenSSL's text). */
export interface CertificateInfo {
  der: Buffer;
  serialNumber: string;
  subject: string;
  issuer: string;
  subjectDer: Buffer;
  issuerDer: Buffer;
  commonName: string | undefined;
  notBefore: Date;
  notAfter: Date;
  isCa: boolean;
  dnsNames: string[];
  ipAddresses: string[];
  uris: string[];
  /** 'serverAuth', 'clientAuth' or the dotted OID of any other purpose. Empty = extension absent. */
  extKeyUsage: string[];
  subjectKeyId: Buffer | undefined;
  authorityKeyId: Buffer | undefined;
}

function decodeString(node: DerNode): string {
  const bytes = content(node);
  switch (node.tag) {
    case 0x1e: // BMPString, UTF-16BE
      return Buffer.from(bytes).swap16().toString('utf16le');
    case 0x14: // TeletexString, treated as Latin-1
      return bytes.toString('latin1');
    default:
      return bytes.toString('utf8');
  }
}

function readName(node: DerNode): { text: string; commonName: string | undefined } {
  const parts: string[] = [];
  let commonName: string | undefined;
  for (const rdn of children(node)) {
    for (const attribute of children(rdn)) {
      const [type, value] = children(attribute);
      if (!type || !value) throw new Error('certificate: bad name attribute');
      const oid = decodeOid(type);
      const text = decodeString(value);
      if (oid === OID.commonName) commonName = text;
      parts.push(`${NAME_ATTRIBUTES[oid] ?? oid}=${text}`);
    }
  }
  return { text: parts.join(', '), commonName };
}

function toDer(input: string | Buffer | X509Certificate): Buffer {
  if (input instanceof X509Certificate) return input.raw;
  if (Buffer.isBuffer(input) && input[0] === TAG.sequence) return input;
  const [first] = certificateDers(input);
  if (!first) throw new Error('no PEM CERTIFICATE block found');
  return first;
}

/** Parse the first certificate of a PEM text, a DER buffer or an X509Certificate. */
export function readCertificateInfo(input: string | Buffer | X509Certificate): CertificateInfo {
  const der = toDer(input);
  const certificate = expectTag(readNode(der), TAG.sequence, 'Certificate');
  if (certificate.end !== der.length) throw new Error('certificate: trailing data');
  const tbs = expectTag(children(certificate)[0], TAG.sequence, 'TBSCertificate');
  const fields = children(tbs);
  let index = fields[0]?.tag === 0xa0 ? 1 : 0;
  const serial = expectTag(fields[index++], TAG.integer, 'serialNumber');
  expectTag(fields[index++], TAG.sequence, 'signature');
  const issuer = expectTag(fields[index++], TAG.sequence, 'issuer');
  const validity = children(expectTag(fields[index++], TAG.sequence, 'validity'));
  const subject = expectTag(fields[index++], TAG.sequence, 'subject');
  expectTag(fields[index++], TAG.sequence, 'subjectPublicKeyInfo');
  const info: CertificateInfo = {
    der,
    serialNumber: content(serial).toString('hex').replace(/^(00)+(?=.)/, ''),
    subject: readName(subject).text,
    issuer: readName(issuer).text,
    subjectDer: Buffer.from(raw(subject)),
    issuerDer: Buffer.from(raw(issuer)),
    commonName: readName(subject).commonName,
    notBefore: decodeTime(validity[0]!),
    notAfter: decodeTime(validity[1]!),
    isCa: false,
    dnsNames: [],
    ipAddresses: [],
    uris: [],
    extKeyUsage: [],
    subjectKeyId: undefined,
    authorityKeyId: undefined,
  };
  const extensionsWrapper = fields.slice(index).find((field) => field.tag === 0xa3);
  if (!extensionsWrapper) return info;
  const extensions = expectTag(children(extensionsWrapper)[0], TAG.sequence, 'Extensions');
  for (const extension of children(extensions)) {
    const parts = children(extension);
    const id = decodeOid(expectTag(parts[0], TAG.oid, 'extnID'));
    const value = readNode(content(expectTag(parts[parts.length - 1], TAG.octetString, 'extnValue')));
    switch (id) {
      case OID.subjectAltName:
        for (const name of children(value)) {
          const bytes = content(name);
          if (name.tag === 0x82) info.dnsNames.push(bytes.toString('ascii'));
          else if (name.tag === 0x87) info.ipAddresses.push(bytesToIp(bytes));
          else if (name.tag === 0x86) info.uris.push(bytes.toString('ascii'));
        }
        break;
      case OID.basicConstraints: {
        const first = children(value)[0];
        info.isCa = first?.tag === TAG.boolean && content(first)[0] !== 0;
        break;
      }
      case OID.extKeyUsage:
        for (const purpose of children(value)) {
          const dotted = decodeOid(purpose);
          info.extKeyUsage.push(dotted === OID.serverAuth ? 'serverAuth' : dotted === OID.clientAuth ? 'clientAuth' : dotted);
        }
        break;
      case OID.subjectKeyIdentifier:
        info.subjectKeyId = Buffer.from(content(value));
        break;
      case OID.authorityKeyIdentifier: {
        const keyId = children(value).find((child) => child.tag === 0x80);
        if (keyId) info.authorityKeyId = Buffer.from(content(keyId));
        break;
      }
      default:
        break;
    }
  }
  return info;
}
