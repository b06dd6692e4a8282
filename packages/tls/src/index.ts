export { SERVICE_ROLES, isServiceRole, identityUri, parseIdentityUri, type ServiceRole } from './service-role.js';
export { createCa, DEFAULT_CA_VALIDITY_DAYS, type CertificateAuthority, type CreateCaOptions } from './create-ca.js';
export {
  issueCertificate,
  CertificateIssuer,
  CERTIFICATE_USAGES,
  DEFAULT_LEAF_VALIDITY_DAYS,
  isDnsName,
  type CertificateUsage,
  type IssueCertificateOptions,
  type IssuedCertificate,
  type LeafKeyType,
} from './issue-certificate.js';
export { readCertificateInfo, type CertificateInfo } from './certificate-info.js';
export { certificateDers } from './pem.js';
export type { TlsLogger } from './tls-logger.js';
export { checkTlsMaterial, TlsMaterialError, type TlsMaterial, type TlsMaterialInput, type CheckedTlsMaterial } from './tls-material.js';
export { TlsSource, TLS_FILES, type TlsSourceDeps, type TlsChangeListener } from './tls-source.js';
export { writeTlsDir, writeFileAtomic, type TlsDirContents } from './write-tls-dir.js';
export {
  grpcServerCredentials,
  grpcChannelCredentials,
  TlsSourceCertificateProvider,
  MIN_TLS_VERSION,
  type GrpcChannelCredentialsOptions,
} from './grpc-credentials.js';
export { httpsServerOptions, followReloads, tlsClientOptions, type TlsClientOptions } from './https-options.js';
export {
  identityFromCertificate,
  identityFromSocket,
  identityFromGrpcCall,
  type PeerIdentity,
  type CallWithAuthContext,
} from './peer-identity.js';
