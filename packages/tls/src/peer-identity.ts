import type { X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import { readCertificateInfo } from './certificate-info.js';
import { parseIdentityUri, type ServiceRole } from './service-role.js';

/** Who is on the other end, from its (already verified) certificate. */
export interface PeerIdentity {
  role: ServiceRole;
  hostname: string;
  commonName: string;
  dnsNames: string[];
  ipAddresses: string[];
  notAfter: Date;
}

/** undefined when the certificate does not carry exactly one dragonfly identity URI. */
export function identityFromCertificate(input: string | Buffer | X509Certificate): PeerIdentity | undefined {
  let info;
  try {
    info = readCertificateInfo(input);
  } catch {
    return undefined;
  }
  const identities = info.uris.map(parseIdentityUri).filter((identity) => identity !== undefined);
  if (identities.length !== 1) return undefined;
  const [identity] = identities;
  return {
    role: identity!.role,
    hostname: identity!.hostname,
    commonName: info.commonName ?? '',
    dnsNames: info.dnsNames,
    ipAddresses: info.ipAddresses,
    notAfter: info.notAfter,
  };
}

/** The peer of an authorized TLS socket; undefined if it is not authorized or has no identity. */
export function identityFromSocket(socket: TLSSocket): PeerIdentity | undefined {
  if (!socket.authorized) return undefined;
  const peer = socket.getPeerCertificate();
  if (!peer || !Buffer.isBuffer(peer.raw)) return undefined;
  return identityFromCertificate(peer.raw);
}

/** Any grpc-js server call (unary or streaming) has getAuthContext(). */
export interface CallWithAuthContext {
  getAuthContext(): { sslPeerCertificate?: { raw?: Buffer } } | undefined;
}

export function identityFromGrpcCall(call: CallWithAuthContext): PeerIdentity | undefined {
  const context = call.getAuthContext();
  const raw = context?.sslPeerCertificate?.raw;
  if (!Buffer.isBuffer(raw)) return undefined;
  return identityFromCertificate(raw);
}
